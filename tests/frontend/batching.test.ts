// Grouping of the calls made together: misses coalesced into batch requests, reads of one tick in one
// IndexedDB transaction with no write on the read path, writes queued (and visible while queued),
// getImageUrl's shared, counted URLs.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { encodeBatch, encodeWirePayload, WireState } from '../../src/codec/index.js'
import { clearImageCache, getCacheStats, getImage, getImageUrl, getImageWithInfo, initPixstoreFrontend } from '../../src/frontend/index.js'
import type { ImageRecord } from '../../src/types/index.js'
import { blobBytes, freshFrontend, png } from './helpers/frontend-env.js'
import { startImageServer, type ImageServer } from './helpers/image-server.js'

let server: ImageServer
beforeAll(async () => {
  server = await startImageServer()
})
afterAll(async () => {
  await server.close()
})
afterEach(() => {
  vi.restoreAllMocks()
})

async function single(record: ImageRecord): Promise<Uint8Array> {
  const headers: Record<string, string> = { 'x-pixstore-token': String(record.token) }
  if (record.statelessProof) headers['x-pixstore-proof'] = record.statelessProof
  return new Uint8Array(await (await fetch(`${server.baseUrl}/${record.id}`, { headers })).arrayBuffer())
}

/** A fetcher with fetchBatch, answering each item as the server's single GET would. */
function batchingFetcher(options: { failBatch?: boolean } = {}) {
  const batches: string[][] = []
  const singles: string[] = []
  const fetcher = Object.assign(
    async (record: ImageRecord) => {
      singles.push(record.id)
      return single(record)
    },
    {
      fetchBatch: async (records: ImageRecord[]) => {
        batches.push(records.map((r) => r.id))
        if (options.failBatch) throw new Error('HTTP 404')
        return encodeBatch(await Promise.all(records.map(single)))
      },
    },
  )
  return { fetcher, batches, singles }
}

async function saveMany(prefix: string, n: number): Promise<ImageRecord[]> {
  const out: ImageRecord[] = []
  for (let i = 0; i < n; i++) out.push(await server.save(`${prefix}-${i}`, png(300 + i)))
  return out
}

describe('network coalescing', () => {
  it('misses made in one tick go out as one batch; each image gets its own bytes', async () => {
    const { fetcher, batches, singles } = batchingFetcher()
    freshFrontend({}, fetcher)
    const records = await saveMany('co', 5)
    const blobs = await Promise.all(records.map((r) => getImage(r)))
    expect(batches).toEqual([records.map((r) => r.id)])
    expect(singles).toEqual([])
    for (let i = 0; i < 5; i++) expect(await blobBytes(blobs[i]!)).toEqual(png(300 + i))
    expect((await getCacheStats())!.networkRequests).toBe(1)
  })

  it('splits a group at maxBatchItems, and a lone miss is a plain single request', async () => {
    const { fetcher, batches, singles } = batchingFetcher()
    freshFrontend({ maxBatchItems: 2 }, fetcher)
    const records = await saveMany('split', 5)
    await Promise.all(records.map((r) => getImage(r)))
    expect(batches.map((b) => b.length)).toEqual([2, 2])
    expect(singles).toEqual([records[4]!.id])
  })

  it('one failing item fails only its image', async () => {
    const { fetcher, batches } = batchingFetcher()
    freshFrontend({}, fetcher)
    const [a, b] = await saveMany('fail-one', 2)
    const missing: ImageRecord = { ...a!, id: 'no-such-image' }
    const results = await Promise.allSettled([getImage(a!), getImage(missing), getImage(b!)])
    expect(batches).toHaveLength(1)
    expect(results[0].status).toBe('fulfilled')
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { code: expect.stringMatching(/^STATE_/) } })
    expect(await blobBytes((results[2] as PromiseFulfilledResult<Blob>).value)).toEqual(png(301))
  })

  it('a batch failing as a whole falls back to single requests, and batching stays off', async () => {
    const { fetcher, batches, singles } = batchingFetcher({ failBatch: true })
    freshFrontend({}, fetcher)
    const records = await saveMany('fallback', 4)
    const first = await Promise.all(records.slice(0, 2).map((r) => getImage(r)))
    expect(await blobBytes(first[1]!)).toEqual(png(301))
    await Promise.all(records.slice(2).map((r) => getImage(r)))
    expect(batches).toHaveLength(1)
    expect(singles.sort()).toEqual(records.map((r) => r.id).sort())
  })

  it('one caller aborting rejects its image only; the batch is aborted once every image was', async () => {
    let seen: AbortSignal | undefined
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const fetcher = Object.assign(async (record: ImageRecord) => single(record), {
      fetchBatch: async (records: ImageRecord[], context?: { signal?: AbortSignal }) => {
        seen = context?.signal
        await gate
        return encodeBatch(await Promise.all(records.map(single)))
      },
    })
    freshFrontend({}, fetcher)
    const [a, b] = await saveMany('abort', 2)
    const ca = new AbortController()
    const context = { signal: ca.signal } // one context object: one group
    const pa = getImage(a!, context)
    const pb = getImage(b!, context)
    // Wait for the batch to be in flight (a fixed delay was flaky with both cores busy).
    await vi.waitFor(() => expect(seen).toBeDefined(), { timeout: 10_000, interval: 2 })
    ca.abort('gone')
    await expect(pa).rejects.toMatchObject({ code: 'FETCH_ABORTED' })
    await expect(pb).rejects.toMatchObject({ code: 'FETCH_ABORTED' })
    expect(seen!.aborted).toBe(true)
    release()
  })

  it('a frame handed on early (onFrame) is its image at once, before the batch resolves', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    let done = false
    const fetcher = Object.assign(async (record: ImageRecord) => single(record), {
      fetchBatch: async (records: ImageRecord[], _context: unknown, _requests: unknown, onFrame?: (i: number, frame: Uint8Array) => void) => {
        const frames = await Promise.all(records.map(single))
        onFrame?.(0, frames[0]!)
        await gate
        done = true
        return encodeBatch(frames)
      },
    })
    freshFrontend({}, fetcher)
    const [a, b] = await saveMany('early', 2)
    const pa = getImage(a!)
    const pb = getImage(b!)
    const first = await pa // resolves while the batch is still held at the gate
    expect(done).toBe(false)
    expect(await blobBytes(first)).toEqual(png(300))
    release()
    expect(await blobBytes(await pb)).toEqual(png(301))
    expect((await getCacheStats())!.networkRequests).toBe(1)
  })

  it('a batch failing after some frames arrived: those images stand, the rest go single, batching stays on', async () => {
    const batches: number[] = []
    const singles: string[] = []
    const fetcher = Object.assign(
      async (record: ImageRecord) => {
        singles.push(record.id)
        return single(record)
      },
      {
        fetchBatch: async (records: ImageRecord[], _context: unknown, _requests: unknown, onFrame?: (i: number, frame: Uint8Array) => void) => {
          batches.push(records.length)
          onFrame?.(0, await single(records[0]!))
          throw new Error('connection reset')
        },
      },
    )
    freshFrontend({}, fetcher)
    const records = await saveMany('cut', 4)
    const first = await Promise.all(records.slice(0, 2).map((r) => getImage(r)))
    expect(await blobBytes(first[0]!)).toEqual(png(300))
    expect(await blobBytes(first[1]!)).toEqual(png(301))
    expect(singles).toEqual([records[1]!.id])
    await Promise.all(records.slice(2).map((r) => getImage(r)))
    expect(batches).toEqual([2, 2]) // still batching
  })

  it('calls with different context objects are not grouped', async () => {
    const { fetcher, batches, singles } = batchingFetcher()
    freshFrontend({}, fetcher)
    const [a, b] = await saveMany('ctx', 2)
    await Promise.all([getImage(a!, { jwt: 1 }), getImage(b!, { jwt: 2 })])
    expect(batches).toEqual([])
    expect(singles.sort()).toEqual([a!.id, b!.id].sort())
  })
})

describe('reads and writes', () => {
  it('reads of one tick share one readonly transaction, and the read path writes nothing', async () => {
    const { fetcher } = batchingFetcher()
    freshFrontend({ frontendHotTierMaxBytes: 0, frontendTouchIntervalMs: 0 }, fetcher)
    const records = await saveMany('reads', 4)
    await Promise.all(records.map((r) => getImage(r)))
    await getCacheStats()
    const modes: string[] = []
    const real = IDBDatabase.prototype.transaction
    vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
      modes.push(args[1] ?? 'readonly')
      return real.apply(this, args)
    })
    const infos = await Promise.all(records.map((r) => getImageWithInfo(r)))
    expect(infos.map((i) => i!.source)).toEqual(['indexeddb', 'indexeddb', 'indexeddb', 'indexeddb'])
    expect(modes).toEqual(['readonly'])
    // the touches come later, together
    await getCacheStats()
    expect(modes.filter((m) => m === 'readwrite')).toHaveLength(1)
  })

  it('a write still queued is served to a read, from its bytes, with no second request', async () => {
    const { fetcher, singles } = batchingFetcher()
    freshFrontend({ frontendHotTierMaxBytes: 0 }, fetcher)
    const [a] = await saveMany('queued', 1)
    await getImage(a!)
    const info = await getImageWithInfo(a!)
    expect(info!.source).toBe('indexeddb')
    expect(await blobBytes(info!.blob)).toEqual(png(300))
    expect(singles).toHaveLength(1)
    expect((await getCacheStats())!.entries).toBe(1)
  })

  it('writes of one gallery are committed in one transaction, after the images were handed out', async () => {
    const { fetcher } = batchingFetcher()
    freshFrontend({}, fetcher)
    const records = await saveMany('writes', 5)
    const modes: string[] = []
    const real = IDBDatabase.prototype.transaction
    vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
      modes.push(args[1] ?? 'readonly')
      return real.apply(this, args)
    })
    await Promise.all(records.map((r) => getImage(r)))
    expect(modes.filter((m) => m === 'readwrite')).toEqual([])
    expect((await getCacheStats())!.entries).toBe(5)
    expect(modes.filter((m) => m === 'readwrite')).toEqual(['readwrite'])
  })

  it('a clear drops queued writes: nothing comes back after a logout', async () => {
    const { fetcher } = batchingFetcher()
    freshFrontend({}, fetcher)
    const records = await saveMany('clear', 3)
    await Promise.all(records.map((r) => getImage(r)))
    await clearImageCache()
    expect((await getCacheStats())!.entries).toBe(0)
  })
})

describe('getImageUrl', () => {
  it('one URL per image version for every holder; revoked a macrotask after the last release', async () => {
    const revoked: string[] = []
    const realRevoke = URL.revokeObjectURL
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation((url: string) => {
      revoked.push(url)
      realRevoke(url)
    })
    const { fetcher } = batchingFetcher()
    freshFrontend({}, fetcher)
    const [a, b] = await saveMany('url', 2)
    const [h1, h2, other] = await Promise.all([getImageUrl(a!), getImageUrl(a!), getImageUrl(b!)])
    expect(h1!.url).toBe(h2!.url)
    expect(other!.url).not.toBe(h1!.url)
    h1!.release()
    h1!.release() // twice: harmless
    await new Promise((r) => setTimeout(r, 5))
    expect(revoked).toEqual([])
    h2!.release()
    // released and acquired again within the task (a re-render): the same URL
    const again = await getImageUrl(a!)
    expect(again!.url).toBe(h1!.url)
    again!.release()
    await new Promise((r) => setTimeout(r, 5))
    expect(revoked).toEqual([h1!.url])
    const fresh = await getImageUrl(a!)
    expect(fresh!.url).not.toBe(h1!.url)
    fresh!.release()
    other!.release()
  })

  it('clearImageCache and a new init revoke every URL, held or not', async () => {
    const revoked: string[] = []
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation((url: string) => void revoked.push(url))
    const { fetcher } = batchingFetcher()
    freshFrontend({}, fetcher)
    const [a, b] = await saveMany('url-clear', 2)
    await new Promise((r) => setTimeout(r, 5)) // earlier tests' grace periods end
    revoked.length = 0
    const ha = await getImageUrl(a!)
    await clearImageCache()
    expect(revoked).toEqual([ha!.url])
    ha!.release() // after the revocation: a no-op
    const hb = await getImageUrl(b!)
    initPixstoreFrontend({ frontendDbName: 'url-clear-2' }, fetcher)
    expect(revoked).toEqual([ha!.url, hb!.url])
    const hc = await getImageUrl(b!)
    expect(hc!.url).not.toBe(hb!.url)
    hb!.release()
    await new Promise((r) => setTimeout(r, 5))
    expect(revoked).toHaveLength(2)
    hc!.release()
  })

  it('a wire error follows the error mode like getImage', async () => {
    const { fetcher } = batchingFetcher()
    freshFrontend({}, fetcher)
    const [a] = await saveMany('url-err', 1)
    await expect(getImageUrl({ ...a!, id: 'nothing-here' })).rejects.toMatchObject({ code: expect.stringMatching(/^STATE_/) })
  })
})
