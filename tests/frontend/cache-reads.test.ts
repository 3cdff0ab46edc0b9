// The reads of one tick on the IndexedDB store (src/frontend/cache/indexeddb-cache-store.ts): one
// transaction, and every read handed on together once the last is in (so in a browser the Blobs of a
// reload are made after the reads, not interleaved with them), a missing entry among them included.
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { openIndexedDBCacheStore } from '../../src/frontend/cache/indexeddb-cache-store.js'

describe('IndexedDB reads of one tick', () => {
  it('resolve together, in the same macrotask, once all are read; a miss among them is undefined', async () => {
    const store = await openIndexedDBCacheStore({ dbName: `reads-${process.pid}`, dbVersion: 1, storeName: 'images' })
    const ids = Array.from({ length: 8 }, (_, i) => `img-${i}`)
    await store.putMany(ids.map((id, i) => ({ entry: { id, token: 1, ciphertext: new Uint8Array(100 + i).buffer, size: 100 + i, lastUsed: 1 }, proven: true })))
    // Macrotask counter: fake-indexeddb answers each request in its own macrotask, as a browser does.
    let tick = 0
    let running = true
    const bump = () => {
      tick++
      if (running) setImmediate(bump)
    }
    setImmediate(bump)
    const reads = [...ids, 'not-stored'].map((id) => store.get(id).then((value) => ({ value, tick })))
    const got = await Promise.all(reads)
    running = false
    expect(new Set(got.map((g) => g.tick)).size).toBe(1)
    expect(got[0]!.tick).toBeGreaterThan(0) // the answers did take macrotasks to come
    expect(got.slice(0, 8).map((g) => g.value?.size)).toEqual(ids.map((_, i) => 100 + i))
    expect(got[8]!.value).toBeUndefined()
    store.close()
  })
})
