import { describe, expect, inject, it } from 'vitest'

describe('test environment', () => {
  it('has a PostgreSQL URL from the global setup', () => {
    expect(inject('databaseUrl')).toMatch(/^postgres:\/\/.+@127\.0\.0\.1:\d+\//)
  })
})
