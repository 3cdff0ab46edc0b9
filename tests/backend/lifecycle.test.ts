// initPixstoreBackend's failure paths: a coded PixstoreError whose message names no path, and no
// half-started backend left behind.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { closePixstoreBackend, initPixstoreBackend } from '../../src/backend/index.js'
import { makeTempDir, removeDir } from '../helpers/backend-fixture.js'

let dir: string
const savedSecret = process.env.PIXSTORE_SECRET

beforeAll(async () => {
  dir = await makeTempDir('lifecycle')
  // The generated-secret path is the one under test.
  delete process.env.PIXSTORE_SECRET
})
afterEach(async () => {
  await closePixstoreBackend()
})
afterAll(async () => {
  if (savedSecret !== undefined) process.env.PIXSTORE_SECRET = savedSecret
  await removeDir(dir)
})

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p
  } catch (e) {
    return e as Error & { code?: string }
  }
  throw new Error('expected a rejection')
}

describe('initPixstoreBackend failures', () => {
  it('a dataDir where the secret file cannot be created: coded error, no path in the message', async () => {
    const file = join(dir, 'not-a-directory')
    await writeFile(file, 'x')
    const error = await rejection(initPixstoreBackend({ dataDir: join(file, 'data'), defaultEndpointEnabled: false }))
    expect(error).toMatchObject({ name: 'PixstoreError', code: 'SECRET_INVALID' })
    expect(error.message).not.toContain(dir)
  })
})
