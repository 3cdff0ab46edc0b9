import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { freshFrontend, png } from './helpers/frontend-env.js'
import { startImageServer, type ImageServer } from './helpers/image-server.js'
import { cachedImageExists, getCacheStats, getImage, getImageWithInfo } from '../../src/frontend/index.js'
import type { ImageRecord } from '../../src/types/index.js'

let server: ImageServer
let clock = 1_000_000
beforeAll(async () => {
  server = await startImageServer()
})
afterAll(() => server.close())
afterEach(() => vi.restoreAllMocks())

// lastUsed comes from Date.now(); a clock that moves 1 s per read makes LRU order explicit.
function tickingClock() {
  vi.spyOn(Date, 'now').mockImplementation(() => (clock += 1000))
}

async function saveMany(prefix: string, n: number, size = 16): Promise<ImageRecord[]> {
  const out: ImageRecord[] = []
  for (let i = 0; i < n; i++) out.push(await server.save(`${prefix}-${i}`, png(100 + i, size, size)))
  return out
}

async function present(records: ImageRecord[]): Promise<boolean[]> {
  return Promise.all(records.map(async (r) => (await cachedImageExists(r.id)) === true))
}

describe('eviction', () => {
  it('by entries: the least recently used go first, a touched entry stays', async () => {
    tickingClock()
    freshFrontend({ endpointBaseUrl: server.baseUrl, frontendImageCacheLimit: 3, frontendHotTierMaxBytes: 0, frontendTouchIntervalMs: 0 })
    const [a, b, c, d] = await saveMany('lru', 4)
    for (const r of [a, b, c]) await getImage(r!)
    await getCacheStats()
    expect((await getImageWithInfo(a!))?.source).toBe('indexeddb') // touches a: b is now the oldest
    await getCacheStats()
    await getImage(d!)
    expect(await present([a!, b!, c!, d!])).toEqual([true, false, true, true])
    expect((await getCacheStats())!.entries).toBe(3)
  })

  it('by bytes: stays under frontendCacheMaxBytes', async () => {
    tickingClock()
    const records = await saveMany('bytes', 5, 32)
    const sizes = records.map((r, i) => png(100 + i, 32, 32).length + 1)
    const maxBytes = sizes[0]! + sizes[1]! + Math.floor(sizes[2]! / 2) // room for two, not three
    freshFrontend({ endpointBaseUrl: server.baseUrl, frontendCacheMaxBytes: maxBytes, frontendHotTierMaxBytes: 0 })
    for (const r of records) await getImage(r)
    const stats = (await getCacheStats())!
    expect(stats.bytes).toBeLessThanOrEqual(maxBytes)
    expect(stats.entries).toBe(2)
    expect(await present(records)).toEqual([false, false, false, true, true])
  })

  it('an image larger than frontendCacheMaxBytes is returned but not cached', async () => {
    const [big] = await saveMany('too-big', 1, 64)
    freshFrontend({ endpointBaseUrl: server.baseUrl, frontendCacheMaxBytes: 100 })
    expect(await getImage(big!)).not.toBeNull()
    expect(await cachedImageExists(big!.id)).toBe(false)
  })

  it('walks the lastUsed index with a key cursor in batches: no value cursor, no getAll', async () => {
    tickingClock()
    const records = await saveMany('walk', 31)
    const dbName = freshFrontend({ endpointBaseUrl: server.baseUrl, frontendHotTierMaxBytes: 0 })
    for (const r of records.slice(0, 30)) await getImage(r)
    await getCacheStats()
    freshFrontend({ endpointBaseUrl: server.baseUrl, frontendDbName: dbName, frontendImageCacheLimit: 5, frontendCleanupBatch: 10, frontendHotTierMaxBytes: 0 })
    const spies = {
      storeGetAll: vi.spyOn(IDBObjectStore.prototype, 'getAll'),
      indexGetAll: vi.spyOn(IDBIndex.prototype, 'getAll'),
      storeCursor: vi.spyOn(IDBObjectStore.prototype, 'openCursor'),
      indexCursor: vi.spyOn(IDBIndex.prototype, 'openCursor'),
      keyCursor: vi.spyOn(IDBIndex.prototype, 'openKeyCursor'),
      get: vi.spyOn(IDBObjectStore.prototype, 'get'),
      deleted: vi.spyOn(IDBObjectStore.prototype, 'delete'),
    }
    await getImage(records[30]!)
    const stats = (await getCacheStats())!
    expect(stats.entries).toBe(5)
    expect(spies.storeGetAll).not.toHaveBeenCalled()
    expect(spies.indexGetAll).not.toHaveBeenCalled()
    expect(spies.storeCursor).not.toHaveBeenCalled()
    expect(spies.indexCursor).not.toHaveBeenCalled()
    expect(spies.keyCursor).toHaveBeenCalledTimes(3) // 26 deletions in batches of 10
    // reads of whole records: the getImage lookup, the put's old-version check; never the evicted ones
    const imageReads = spies.get.mock.contexts.filter((store) => (store as IDBObjectStore).name === 'images')
    expect(imageReads.length).toBeLessThanOrEqual(2)
    expect(spies.deleted).toHaveBeenCalledTimes(26)
    expect(await present(records.slice(24))).toEqual([false, false, true, true, true, true, true])
    expect(await present(records.slice(0, 3))).toEqual([false, false, false])
  })

  it('lastUsed writes are throttled: hits inside the interval write nothing', async () => {
    const [r] = await saveMany('throttle', 1)
    const dbName = freshFrontend({ endpointBaseUrl: server.baseUrl, frontendHotTierMaxBytes: 0, frontendTouchIntervalMs: 60_000 })
    await getImage(r!)
    await getCacheStats()
    freshFrontend({ endpointBaseUrl: server.baseUrl, frontendDbName: dbName, frontendHotTierMaxBytes: 0, frontendTouchIntervalMs: 60_000 })
    const put = vi.spyOn(IDBObjectStore.prototype, 'put')
    for (let i = 0; i < 10; i++) expect((await getImageWithInfo(r!))?.source).toBe('indexeddb')
    await getCacheStats()
    expect(put).not.toHaveBeenCalled()
  })

  it('a miss for an id this page never cached skips the IndexedDB read', async () => {
    const [r] = await saveMany('skip-read', 1)
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    await getCacheStats() // opens the store
    const get = vi.spyOn(IDBObjectStore.prototype, 'get')
    await getImage(r!)
    await getCacheStats()
    // only the cache write's own check of an older version reads the images store
    expect(get.mock.contexts.filter((store) => (store as IDBObjectStore).name === 'images')).toHaveLength(1)
  })
})
