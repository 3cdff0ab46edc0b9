// Variants in the front end: each (id, variant) is its own cache slot in every tier (hot, IndexedDB,
// write queue, in-flight loads, batches, object URLs), decrypted with the key material the record lists
// for it, never mixed with the original or another variant; unknown names are refused unsent.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { encodeBatch } from '../../src/codec/index.js'
import {
  clearImageCache,
  createHttpFetcher,
  deleteCachedImage,
  getCacheStats,
  getImage,
  getImageUrl,
  getImageWithInfo,
  PixstoreError,
} from '../../src/frontend/index.js'
import type { ImageFetchRequest, ImageRecord } from '../../src/types/index.js'
import { blobBytes, freshFrontend, png } from './helpers/frontend-env.js'
import { startImageServer, type ImageServer } from './helpers/image-server.js'

let server: ImageServer
let clock = 5_000_000
beforeAll(async () => {
  server = await startImageServer()
})
afterAll(() => server.close())
afterEach(() => vi.restoreAllMocks())

const thumb = { variant: 'thumb' }
const small = { variant: 'small' }

/** An image with two variants; the three byte strings all differ. */
async function saveWithVariants(id: string, seed: number) {
  const images = { original: png(seed, 24, 18), thumb: png(seed + 1, 8, 6), small: png(seed + 2, 12, 9) }
  const record = await server.save(id, images.original, 'png', { thumb: images.thumb, small: images.small })
  return { record, images }
}

async function expectCode(promise: Promise<unknown>, code: string) {
  await expect(promise).rejects.toSatisfy((error: unknown) => error instanceof PixstoreError && error.code === code)
}

function requestsSince(before: number) {
  return server.requests.slice(before).map((r) => `${r.id}${r.variant ? `?${r.variant}` : ''}`)
}

async function single(record: ImageRecord, request?: ImageFetchRequest): Promise<Uint8Array> {
  const headers: Record<string, string> = { 'x-pixstore-token': String(record.token), 'x-pixstore-proof': record.statelessProof }
  const query = request?.variant ? `?variant=${request.variant}` : ''
  return new Uint8Array(await (await fetch(`${server.baseUrl}/${record.id}${query}`, { headers })).arrayBuffer())
}

describe('variants: one slot per (id, variant)', () => {
  it('the original and each variant come back as their own bytes, each fetched once, then hot', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    const { record, images } = await saveWithVariants('v-basic', 10)
    const before = server.requests.length
    // Variant first: a slot keyed by id alone would then serve the thumb as the original.
    expect(await blobBytes(await getImage(record, undefined, thumb))).toEqual(images.thumb)
    expect(await blobBytes(await getImage(record))).toEqual(images.original)
    expect(await blobBytes(await getImage(record, undefined, small))).toEqual(images.small)
    expect(requestsSince(before)).toEqual(['v-basic?thumb', 'v-basic', 'v-basic?small'])
    for (const options of [thumb, undefined, small, { variant: null }]) expect((await getImageWithInfo(record, undefined, options as never))?.source).toBe('hot')
    expect(await blobBytes(await getImage(record, undefined, { variant: null }))).toEqual(images.original)
    expect(requestsSince(before)).toHaveLength(3)
    expect((await getCacheStats())!.entries).toBe(3)
  })

  it('a reload reads each slot from IndexedDB with its own key, no request', async () => {
    const dbName = freshFrontend({ endpointBaseUrl: server.baseUrl })
    const { record, images } = await saveWithVariants('v-reload', 20)
    await Promise.all([getImage(record), getImage(record, undefined, thumb), getImage(record, undefined, small)])
    await getCacheStats() // commits the queued writes
    freshFrontend({ endpointBaseUrl: server.baseUrl, frontendDbName: dbName })
    const before = server.requests.length
    // One tick, one read transaction, three slots of one id.
    const [s, o, t] = await Promise.all([getImageWithInfo(record, undefined, small), getImageWithInfo(record), getImageWithInfo(record, undefined, thumb)])
    expect([s, o, t].map((r) => r?.source)).toEqual(['indexeddb', 'indexeddb', 'indexeddb'])
    expect(await blobBytes(o!.blob)).toEqual(images.original)
    expect(await blobBytes(t!.blob)).toEqual(images.thumb)
    expect(await blobBytes(s!.blob)).toEqual(images.small)
    expect(requestsSince(before)).toEqual([])
  })

  it('a queued (not yet committed) write serves its own slot only', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl, frontendHotTierMaxBytes: 0 })
    const { record, images } = await saveWithVariants('v-queued', 30)
    const before = server.requests.length
    await getImage(record, undefined, thumb)
    const again = await getImageWithInfo(record, undefined, thumb)
    expect(again?.source).toBe('indexeddb') // from the queued write's bytes
    expect(await blobBytes(again!.blob)).toEqual(images.thumb)
    const original = await getImageWithInfo(record)
    expect(original?.source).toBe('network')
    expect(await blobBytes(original!.blob)).toEqual(images.original)
    expect(requestsSince(before)).toEqual(['v-queued?thumb', 'v-queued'])
  })

  it('concurrent calls share a load per slot, never across slots', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl, maxBatchItems: 1 })
    const { record, images } = await saveWithVariants('v-shared', 40)
    const before = server.requests.length
    const results = await Promise.all([getImageWithInfo(record), getImageWithInfo(record, undefined, thumb), getImageWithInfo(record, undefined, thumb), getImageWithInfo(record)])
    expect(results.map((r) => r?.shared)).toEqual([false, false, true, true])
    expect(await blobBytes(results[1]!.blob)).toEqual(images.thumb)
    expect(await blobBytes(results[3]!.blob)).toEqual(images.original)
    expect(requestsSince(before).sort()).toEqual(['v-shared', 'v-shared?thumb'])
  })

  it('getImageUrl: one URL per slot, shared by the holders of that slot', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    const { record } = await saveWithVariants('v-url', 50)
    const a = await getImageUrl(record, undefined, thumb)
    const b = await getImageUrl(record, undefined, thumb)
    const o = await getImageUrl(record)
    expect(a!.url).toBe(b!.url)
    expect(o!.url).not.toBe(a!.url)
    for (const h of [a, b, o]) h!.release()
  })
})

describe('variants: refused unsent', () => {
  it('a name the record does not list, or no name at all, is VARIANT_UNKNOWN with no request', async () => {
    const fetcher = vi.fn(async () => new Uint8Array([2]))
    freshFrontend({}, fetcher)
    const { record } = await saveWithVariants('v-unknown', 60)
    const bare: ImageRecord = { ...record, variants: undefined }
    await expectCode(getImage(record, undefined, { variant: 'huge' }), 'VARIANT_UNKNOWN')
    await expectCode(getImage(bare, undefined, thumb), 'VARIANT_UNKNOWN')
    await expectCode(getImageUrl(record, undefined, { variant: 'Thumb' }), 'VARIANT_UNKNOWN')
    await expectCode(getImageWithInfo(record, undefined, { variant: '__proto__' }), 'VARIANT_UNKNOWN')
    await expectCode(getImage(record, undefined, { variant: 'constructor' }), 'VARIANT_UNKNOWN') // not an own entry
    await expectCode(getImage(record, undefined, { variant: 3 as unknown as string }), 'VARIANT_UNKNOWN')
    await expectCode(getImage({ ...record, variants: { thumb: { meta: { key: 'x' } } } } as unknown as ImageRecord, undefined, thumb), 'RECORD_INVALID')
    expect(fetcher).not.toHaveBeenCalled()
  })

  it('the default fetcher refuses a name no preset could have, unsent', async () => {
    const fetcher = createHttpFetcher({ endpointBaseUrl: server.baseUrl })
    const { record } = await saveWithVariants('v-direct', 61)
    const before = server.requests.length
    await expectCode(fetcher(record, undefined, { variant: '../x' }), 'VARIANT_UNKNOWN')
    expect(server.requests.length).toBe(before)
  })
})

describe('variants: Updated per variant', () => {
  it('an older record gets the newer version of the slot asked for, under its own key', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    const { record: old } = await saveWithVariants('v-upd', 70)
    const { record: current, images } = await saveWithVariants('v-upd', 80)
    const before = server.requests.length
    const t = await getImageWithInfo(old, undefined, thumb)
    expect(t?.source).toBe('network')
    expect(t?.token).toBe(current.token)
    expect(await blobBytes(t!.blob)).toEqual(images.thumb)
    // The original of the old record is its own slot: it gets its own Updated answer, not the thumb.
    const o = await getImageWithInfo(old)
    expect(o?.token).toBe(current.token)
    expect(await blobBytes(o!.blob)).toEqual(images.original)
    // The current record's thumb is now hot (the Updated frame carried exactly its key material).
    expect((await getImageWithInfo(current, undefined, thumb))?.source).toBe('hot')
    expect((await getImageWithInfo(current, undefined, small))?.source).toBe('network')
    expect(requestsSince(before)).toEqual(['v-upd?thumb', 'v-upd', 'v-upd?small'])
  })
})

describe('variants: fetchers', () => {
  it('a custom fetcher gets { variant } as its third argument, and nothing for the original', async () => {
    const calls: unknown[][] = []
    const fetcher = async (...args: unknown[]) => {
      calls.push(args)
      return single(args[0] as ImageRecord, args[2] as ImageFetchRequest | undefined)
    }
    freshFrontend({}, fetcher)
    const { record, images } = await saveWithVariants('v-custom', 90)
    const context = { jwt: 'j' }
    expect(await blobBytes(await getImage(record, context, thumb))).toEqual(images.thumb)
    expect(await blobBytes(await getImage(record, context))).toEqual(images.original)
    expect(calls.map((args) => args.length)).toEqual([3, 2])
    expect(calls[0]![1]).toBe(context)
    expect(calls[0]![2]).toEqual({ variant: 'thumb' })
  })

  it('fetchBatch gets index-aligned requests; originals and variants of one id share a batch', async () => {
    const batches: { ids: string[]; requests: ImageFetchRequest[] | undefined }[] = []
    const fetcher = Object.assign(async (record: ImageRecord, _c?: unknown, request?: ImageFetchRequest) => single(record, request), {
      fetchBatch: async (records: ImageRecord[], _c?: unknown, requests?: ImageFetchRequest[]) => {
        batches.push({ ids: records.map((r) => r.id), requests })
        return encodeBatch(await Promise.all(records.map((r, i) => single(r, requests?.[i]))))
      },
    })
    freshFrontend({}, fetcher)
    const a = await saveWithVariants('v-batch-a', 100)
    const b = await saveWithVariants('v-batch-b', 110)
    const blobs = await Promise.all([getImage(a.record, undefined, thumb), getImage(b.record), getImage(a.record), getImage(b.record, undefined, small)])
    expect(batches).toEqual([{ ids: ['v-batch-a', 'v-batch-b', 'v-batch-a', 'v-batch-b'], requests: [{ variant: 'thumb' }, {}, {}, { variant: 'small' }] }])
    expect(await blobBytes(blobs[0])).toEqual(a.images.thumb)
    expect(await blobBytes(blobs[1])).toEqual(b.images.original)
    expect(await blobBytes(blobs[2])).toEqual(a.images.original)
    expect(await blobBytes(blobs[3])).toEqual(b.images.small)
  })

  it('the default fetcher: ?variant= on a GET, "variant" on a batch item (absent for originals)', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    const { record } = await saveWithVariants('v-http', 120)
    const before = server.requests.length
    await getImage(record, undefined, thumb)
    expect(server.requests.slice(before)).toEqual([{ id: 'v-http', token: String(record.token), proof: record.statelessProof, variant: 'thumb' }])
    const bodies: unknown[] = []
    const realFetch = globalThis.fetch
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      if (init?.method === 'POST') {
        bodies.push(JSON.parse(String(init.body)))
        throw new TypeError('no batch route here') // falls back to single GETs
      }
      return realFetch(input, init)
    })
    const fetcher = createHttpFetcher({ endpointBaseUrl: server.baseUrl, retries: 0 })
    await fetcher.fetchBatch([record, record], undefined, [{ variant: 'small' }, {}]).catch(() => {})
    const proof = record.statelessProof
    expect(bodies).toEqual([{ v: 1, items: [{ id: 'v-http', token: record.token, proof, variant: 'small' }, { id: 'v-http', token: record.token, proof }] }])
  })
})

describe('variants: deletion and eviction', () => {
  it('deleteCachedImage(id) drops the original and every variant of id, and nothing of another id', async () => {
    const dbName = freshFrontend({ endpointBaseUrl: server.baseUrl })
    const a = await saveWithVariants('vdel', 130)
    const b = await saveWithVariants('vdel-b', 140) // an id that starts with the other's
    for (const r of [a.record, b.record]) await Promise.all([getImage(r), getImage(r, undefined, thumb)])
    expect((await getCacheStats())!.entries).toBe(4)
    await deleteCachedImage('vdel')
    expect((await getCacheStats())!).toMatchObject({ entries: 2, hotEntries: 2 })
    freshFrontend({ endpointBaseUrl: server.baseUrl, frontendDbName: dbName })
    const sources = await Promise.all([getImageWithInfo(a.record), getImageWithInfo(a.record, undefined, thumb), getImageWithInfo(b.record), getImageWithInfo(b.record, undefined, thumb)])
    expect(sources.map((s) => s?.source)).toEqual(['network', 'network', 'indexeddb', 'indexeddb'])
    expect(await blobBytes(sources[3]!.blob)).toEqual(b.images.thumb)
  })

  it('a variant is an entry like any: evicted least recently used first, its siblings stay', async () => {
    vi.spyOn(Date, 'now').mockImplementation(() => (clock += 1000))
    const dbName = freshFrontend({ endpointBaseUrl: server.baseUrl, frontendImageCacheLimit: 2, frontendHotTierMaxBytes: 0 })
    const { record, images } = await saveWithVariants('v-evict', 150)
    await getImage(record, undefined, thumb)
    await getCacheStats()
    await getImage(record)
    await getCacheStats()
    await getImage(record, undefined, small)
    const stats = (await getCacheStats())!
    expect(stats.entries).toBe(2)
    freshFrontend({ endpointBaseUrl: server.baseUrl, frontendDbName: dbName, frontendHotTierMaxBytes: 0 })
    const o = await getImageWithInfo(record)
    const s = await getImageWithInfo(record, undefined, small)
    const t = await getImageWithInfo(record, undefined, thumb)
    expect([o?.source, s?.source, t?.source]).toEqual(['indexeddb', 'indexeddb', 'network'])
    expect(await blobBytes(s!.blob)).toEqual(images.small)
    expect(await blobBytes(t!.blob)).toEqual(images.thumb)
  })

  it('clearImageCache empties every slot', async () => {
    const dbName = freshFrontend({ endpointBaseUrl: server.baseUrl })
    const { record } = await saveWithVariants('v-clear', 160)
    await Promise.all([getImage(record), getImage(record, undefined, thumb)])
    await clearImageCache()
    freshFrontend({ endpointBaseUrl: server.baseUrl, frontendDbName: dbName })
    const sources = await Promise.all([getImageWithInfo(record), getImageWithInfo(record, undefined, thumb)])
    expect(sources.map((s) => s?.source)).toEqual(['network', 'network'])
  })
})
