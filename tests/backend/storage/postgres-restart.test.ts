// A real server restart under a live pool: pooled connections all die at once; the adapter must not
// crash the process, must keep the data, and must work again on the next call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StorageAdapter } from '../../../src/backend/storage/contract.js'
import { createPostgresAdapter } from '../../../src/backend/storage/postgres/postgres-adapter.js'
import { isPixstoreError } from '../../../src/shared/errors.js'
import { startPrivatePostgres, type PrivatePostgres } from './private-postgres.js'
import { fieldsOf, makeVersion } from './versions.js'

describe('PostgreSQL adapter across a server restart', () => {
  let server: PrivatePostgres
  let db: StorageAdapter

  beforeAll(async () => {
    server = await startPrivatePostgres('restart')
    db = createPostgresAdapter({ url: server.url, poolSize: 3, connectTimeoutMs: 2000 })
    await db.open()
  })
  afterAll(async () => {
    await db?.close()
    server?.stop()
  })

  it('keeps the data and serves reads and writes after the restart', async () => {
    const v = makeVersion('k1', 4096)
    await db.insert('before-restart', v, 100)
    await Promise.all([db.get('before-restart'), db.exists('before-restart'), db.getHead('before-restart')])
    server.restart()
    // The dead clients' 'error' events arrive while the pool sits idle.
    await new Promise((r) => setTimeout(r, 200))
    const got = await db.get('before-restart')
    expect(got!.token).toBe(100)
    expect(fieldsOf(got!)).toEqual(fieldsOf(v))
    expect(await db.replace('before-restart', makeVersion('k2'), 0)).toBe(101)
    expect(await db.insert('after-restart', makeVersion(), 5)).toBe(5)
  })

  it('while the server is down calls fail fast with STORAGE_UNAVAILABLE; once it is back the same adapter works', async () => {
    const v = makeVersion('k1')
    await db.insert('down', v, 7)
    server.pause()
    for (const call of [() => db.get('down'), () => db.replace('down', makeVersion(), 0)]) {
      const started = performance.now()
      let error: unknown
      try {
        await call()
      } catch (e) {
        error = e
      }
      expect(isPixstoreError(error, 'STORAGE_UNAVAILABLE')).toBe(true)
      expect(performance.now() - started).toBeLessThan(3000)
    }
    server.resume()
    const got = await db.get('down')
    expect(got!.token).toBe(7)
    expect(fieldsOf(got!)).toEqual(fieldsOf(v))
    expect(await db.replace('down', makeVersion(), 0)).toBe(8)
  })
})
