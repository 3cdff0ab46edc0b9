// The core of scale-out, below the HTTP layer: three OS processes, each with its own pool, replace
// one image at the same time. Ordering must come from PostgreSQL, not from any process's memory.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { StorageAdapter } from '../../src/backend/storage/contract.js'
import { postgresStore, type TestStore } from '../backend/storage/adapter-factories.js'
import { hex, makeVersion } from '../backend/storage/versions.js'
import { bundleChild, removeChildren } from './bundle-child.js'

const run = promisify(execFile)

describe('three processes updating one image through PostgreSQL', () => {
  let store: TestStore & { schema: string }
  let db: StorageAdapter
  let script: string

  beforeAll(async () => {
    store = await postgresStore(inject('databaseUrl'))
    db = store.make()
    await db.open()
    script = await bundleChild('adapter-writer')
  })
  afterAll(async () => {
    await db?.close()
    await store?.cleanup()
    await removeChildren()
  })

  it('tokens strictly increase in every process, are unique across them, and the last one is stored', async () => {
    const start = Date.now() - 60_000
    await db.insert('contended', makeVersion(), start)
    const count = 60
    const startAt = String(Date.now() + 700)
    const outputs = await Promise.all(
      ['a', 'b', 'c'].map((label) =>
        run(process.execPath, [script], {
          env: { ...process.env, URL: inject('databaseUrl'), SCHEMA: store.schema, IMAGE_ID: 'contended', COUNT: String(count), LABEL: label, START_AT: startAt },
          timeout: 30_000,
        }),
      ),
    )
    const perProcess = outputs.map((o) => JSON.parse(o.stdout) as { token: number; tag: string }[])
    for (const writes of perProcess) {
      expect(writes).toHaveLength(count)
      for (let i = 1; i < writes.length; i++) expect(writes[i]!.token).toBeGreaterThan(writes[i - 1]!.token)
    }
    const all = perProcess.flatMap((writes, p) => writes.map((w) => ({ ...w, p })))
    // The processes really raced: in token order, the writer changes many times.
    const byToken = [...all].sort((x, y) => x.token - y.token)
    const switches = byToken.filter((w, i) => i > 0 && w.p !== byToken[i - 1]!.p).length
    expect(switches).toBeGreaterThan(5)
    expect(new Set(all.map((w) => w.token)).size).toBe(3 * count)
    for (const w of all) expect(w.token).toBeGreaterThan(start)
    const last = all.reduce((a, b) => (b.token > a.token ? b : a))
    const stored = (await db.get('contended'))!
    expect(stored.token).toBe(last.token)
    expect(hex(stored.tag)).toBe(last.tag)
  })
})
