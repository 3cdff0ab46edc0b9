// Model-based property test of both persistent stores: random puts (older tokens included, proven by
// the record's key or not: a proven put replaces any version, an unproven one only an older), touches,
// deletes and evictions against a plain Map. Totals, contents and LRU eviction order must match.
import 'fake-indexeddb/auto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { CacheStore, CachedImage } from '../../src/frontend/cache/cache-store.js'
import { openIndexedDBCacheStore } from '../../src/frontend/cache/indexeddb-cache-store.js'
import { createMemoryCacheStore } from '../../src/frontend/cache/memory-cache-store.js'

type Op =
  | { kind: 'put'; id: string; token: number; size: number; proven: boolean }
  | { kind: 'touch'; id: string; token: number }
  | { kind: 'delete'; id: string }
  | { kind: 'evict'; maxEntries: number; maxBytes: number; batch: number }

const id = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f')
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('put' as const), id, token: fc.integer({ min: 1, max: 6 }), size: fc.integer({ min: 1, max: 64 }), proven: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('touch' as const), id, token: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), id }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('evict' as const), maxEntries: fc.integer({ min: 0, max: 6 }), maxBytes: fc.integer({ min: 0, max: 200 }), batch: fc.integer({ min: 1, max: 3 }) }),
  },
)

let dbCounter = 0

async function check(makeStore: () => Promise<CacheStore>, ops: Op[]): Promise<void> {
  const store = await makeStore()
  const model = new Map<string, { token: number; size: number; lastUsed: number; fill: number }>()
  let clock = 0
  try {
    for (const o of ops) {
      clock++ // strictly increasing lastUsed: LRU order is unambiguous
      if (o.kind === 'put') {
        const entry: CachedImage = { id: o.id, token: o.token, ciphertext: new Uint8Array(o.size).fill(clock % 256).buffer, size: o.size, lastUsed: clock }
        const wrote = await store.put(entry, o.proven)
        const old = model.get(o.id)
        if (old && !o.proven && old.token >= o.token) expect(wrote).toBeNull()
        else {
          model.set(o.id, { token: o.token, size: o.size, lastUsed: clock, fill: clock % 256 })
          expect(wrote).toEqual({ entries: model.size, bytes: [...model.values()].reduce((s, e) => s + e.size, 0) })
        }
      } else if (o.kind === 'touch') {
        await store.touch(o.id, o.token, clock)
        const old = model.get(o.id)
        if (old && old.token === o.token) old.lastUsed = clock
      } else if (o.kind === 'delete') {
        await store.delete(o.id)
        model.delete(o.id)
      } else {
        await store.evict(o)
        const byAge = [...model.entries()].sort((x, y) => x[1].lastUsed - y[1].lastUsed)
        let bytes = byAge.reduce((s, [, e]) => s + e.size, 0)
        for (const [key, e] of byAge) {
          if (model.size <= o.maxEntries && bytes <= o.maxBytes) break
          model.delete(key)
          bytes -= e.size
        }
      }
      const totals = await store.totals()
      expect(totals).toEqual({ entries: model.size, bytes: [...model.values()].reduce((s, e) => s + e.size, 0) })
    }
    for (const key of ['a', 'b', 'c', 'd', 'e', 'f']) {
      const got = await store.get(key)
      const want = model.get(key)
      expect(store.mayHave(key)).toBe(want !== undefined)
      if (!want) {
        expect(got).toBeUndefined()
        continue
      }
      expect(got).toMatchObject({ id: key, token: want.token, size: want.size })
      const c = got!.ciphertext
      const bytes = new Uint8Array(c instanceof Blob ? await c.arrayBuffer() : c)
      expect(bytes.length).toBe(want.size)
      expect(bytes.every((b) => b === want.fill)).toBe(true)
    }
  } finally {
    store.close()
  }
}

describe('cache stores against a model', () => {
  it('IndexedDB store', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 30 }), (ops) =>
        check(() => openIndexedDBCacheStore({ dbName: `prop-${process.pid}-${++dbCounter}`, dbVersion: 1, storeName: 'images' }), ops),
      ),
      { numRuns: 60 },
    )
  })

  it('memory store', async () => {
    await fc.assert(fc.asyncProperty(fc.array(op, { maxLength: 40 }), (ops) => check(async () => createMemoryCacheStore(), ops)), { numRuns: 200 })
  })
})
