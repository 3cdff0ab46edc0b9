// README blocks opened with a file name (```ts examples/express-jwt/server.ts) are quotes of the
// examples, which examples.test.ts compiles and runs: each must appear verbatim in the file it names,
// so the README cannot drift from code that is known to work.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '../..')
const readme = readFileSync(path.join(root, 'README.md'), 'utf8')
const quotes = [...readme.matchAll(/^```(\w+) (examples\/\S+)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, file: m[2]!, text: m[3]! }))

describe('README quotes of examples/', () => {
  it('quotes every example program', () => {
    const dirs = new Set(quotes.map((q) => q.file.split('/')[1]))
    expect([...dirs].sort()).toEqual(['express-jwt', 'hono', 'react'])
  })

  it.each(quotes.map((q, i) => [i + 1, q.file, q] as const))('quote %i (%s) appears verbatim in the file it names', (_i, file, quote) => {
    expect(existsSync(path.join(root, file)), `${file} does not exist`).toBe(true)
    expect(quote.text.trim().split('\n').length).toBeGreaterThan(1)
    expect(readFileSync(path.join(root, file), 'utf8')).toContain(quote.text)
  })
})
