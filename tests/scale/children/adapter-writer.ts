// One "instance": its own process and pool, replacing one image `count` times in a row.
// Prints one JSON line: the tokens it was given and, per token, the tag it wrote (to identify versions).
import { randomBytes } from 'node:crypto'
import { createPostgresAdapter } from '../../../src/backend/storage/postgres/postgres-adapter.js'

const { URL: url, SCHEMA: schema, IMAGE_ID: id, COUNT: count, LABEL: label, START_AT: startAt } = process.env
const db = createPostgresAdapter({ url: url!, schema: schema!, poolSize: 2 })
await db.open()
// Process start-up times differ by tens of ms; a common start instant makes the writes overlap.
await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())))
const writes: { token: number; tag: string }[] = []
for (let i = 0; i < Number(count); i++) {
  const tag = randomBytes(16)
  const version = { keyId: `${label}-${i}`, wrappedKey: randomBytes(40), iv: randomBytes(12), tag, ciphertext: randomBytes(256) }
  // Alternate a stale and a current clock, as instances with skewed clocks would.
  const token = await db.replace(id!, version, i % 2 === 0 ? 0 : Date.now() - 5_000)
  if (token === null) throw new Error('image vanished')
  writes.push({ token, tag: tag.toString('hex') })
}
await db.close()
process.stdout.write(`${JSON.stringify(writes)}\n`)
