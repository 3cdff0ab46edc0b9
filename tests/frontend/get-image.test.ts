import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { blobBytes, freshFrontend, png } from './helpers/frontend-env.js'
import { startImageServer, type ImageServer } from './helpers/image-server.js'
import {
  cachedImageExists,
  clearImageCache,
  createHttpFetcher,
  deleteCachedImage,
  getCacheStats,
  getImage,
  getImageWithInfo,
  getLastPixstoreError,
  setErrorHandlingMode,
} from '../../src/frontend/index.js'
import { encodeWirePayload } from '../../src/codec/index.js'
import { WireState, type ImageRecord } from '../../src/types/index.js'

let server: ImageServer
beforeAll(async () => {
  server = await startImageServer()
})
afterAll(() => server.close())
afterEach(() => {
  server.override = null
  server.delayMs = 0
})

describe('getImage tiers', () => {
  it('miss goes to the endpoint, then the same token is served without network', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    const image = png(1)
    const record = await server.save('tiers-a', image)
    const before = server.requests.length
    const first = await getImageWithInfo(record)
    expect(first?.source).toBe('network')
    expect(first?.blob.type).toBe('image/png')
    expect(await blobBytes(first!.blob)).toEqual(image)
    expect(first!.wireBytes).toBe(1 + image.length + 1) // state byte + (format byte + image) ciphertext
    const second = await getImageWithInfo(record)
    expect(second?.source).toBe('hot')
    expect(await blobBytes(second!.blob)).toEqual(image)
    expect(server.requests.length - before).toBe(1)
    const stats = await getCacheStats()
    expect(stats).toMatchObject({ entries: 1, hits: 1, hotHits: 1, misses: 1, networkRequests: 1, store: 'indexeddb' })
    expect(stats!.bytes).toBe(image.length + 1)
  })

  it('IndexedDB hit: a fresh instance (empty hot tier) reads the persistent cache, not the network', async () => {
    const dbName = freshFrontend({ endpointBaseUrl: server.baseUrl })
    const image = png(2)
    const record = await server.save('tiers-b', image)
    await getImage(record)
    await getCacheStats() // waits for the background cache write
    freshFrontend({ endpointBaseUrl: server.baseUrl, frontendDbName: dbName })
    const before = server.requests.length
    const info = await getImageWithInfo(record)
    expect(info?.source).toBe('indexeddb')
    expect(await blobBytes(info!.blob)).toEqual(image)
    expect(server.requests.length).toBe(before)
  })

  it('hot hit costs no IndexedDB read and no decryption', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    const record = await server.save('tiers-c', png(3))
    await getImage(record)
    await getCacheStats()
    const get = vi.spyOn(IDBObjectStore.prototype, 'get')
    const decrypt = vi.spyOn(crypto.subtle, 'decrypt')
    try {
      for (let i = 0; i < 5; i++) expect((await getImageWithInfo(record))?.source).toBe('hot')
      expect(get).not.toHaveBeenCalled()
      expect(decrypt).not.toHaveBeenCalled()
    } finally {
      get.mockRestore()
      decrypt.mockRestore()
    }
  })

  it('the hot tier answers only a record holding the key: id + token with another key get no plaintext', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    const image = png(4)
    const record = await server.save('tiers-key', image)
    await getImage(record)
    await getCacheStats()
    const otherKey = btoa(String.fromCharCode(...new Uint8Array(32).fill(9)))
    const forged: ImageRecord = { ...record, meta: { ...record.meta, key: otherKey } }
    await expect(getImage(forged)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' })
    // The rightful record still gets its image (from memory or, after the forged call, the network).
    expect(await blobBytes((await getImage(record))!)).toEqual(image)
  })

  it('an Updated answer fills the hot tier under the new version’s key, which the new record then hits', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    const oldRecord = await server.save('tiers-upd-hot', png(5))
    const newRecord = await server.save(oldRecord.id, png(6))
    expect((await getImageWithInfo(oldRecord))?.source).toBe('network') // Updated: new token and key
    const info = await getImageWithInfo(newRecord)
    expect(info?.source).toBe('hot')
    expect(await blobBytes(info!.blob)).toEqual(png(6))
  })

  it('a stale cached token is not served: the newer record goes to the endpoint', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl, frontendHotTierMaxBytes: 0 })
    const oldImage = png(4)
    const newImage = png(5)
    const oldRecord = await server.save('stale', oldImage)
    await getImage(oldRecord)
    const newRecord = await server.save('stale', newImage)
    const before = server.requests.length
    const info = await getImageWithInfo(newRecord)
    expect(info?.source).toBe('network')
    expect(server.requests.at(-1)?.token).toBe(String(newRecord.token))
    expect(await blobBytes(info!.blob)).toEqual(newImage)
    expect(server.requests.length - before).toBe(1)
    // the cache now holds the new version: the new record hits, without network
    expect((await getImageWithInfo(newRecord))?.source).toBe('indexeddb')
    expect(server.requests.length - before).toBe(1)
  })

  it('Updated: an old record gets the new version, cached under the new token', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl, frontendHotTierMaxBytes: 0 })
    const oldRecord = await server.save('updated', png(6))
    const newImage = png(7)
    const newRecord = await server.save('updated', newImage)
    const info = await getImageWithInfo(oldRecord)
    expect(info?.source).toBe('network')
    expect(info?.token).toBe(newRecord.token)
    expect(await blobBytes(info!.blob)).toEqual(newImage)
    const before = server.requests.length
    const hit = await getImageWithInfo(newRecord)
    expect(hit?.source).toBe('indexeddb')
    expect(await blobBytes(hit!.blob)).toEqual(newImage)
    expect(server.requests.length).toBe(before)
  })

  it('deleteCachedImage, cachedImageExists and clearImageCache act on both tiers', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    const a = await server.save('del-a', png(8))
    const b = await server.save('del-b', png(9))
    await getImage(a)
    await getImage(b)
    expect(await cachedImageExists('del-a')).toBe(true)
    expect(await deleteCachedImage('del-a')).toBe(true)
    expect(await cachedImageExists('del-a')).toBe(false)
    expect(await cachedImageExists('del-b')).toBe(true)
    const before = server.requests.length
    expect((await getImageWithInfo(a))?.source).toBe('network') // not from the hot tier either
    expect(await clearImageCache()).toBe(true)
    expect(await getCacheStats()).toMatchObject({ entries: 0, bytes: 0, hotEntries: 0 })
    expect((await getImageWithInfo(b))?.source).toBe('network')
    expect(server.requests.length - before).toBe(2)
  })
})

describe('loads in flight when the cache is emptied', () => {
  // The fetcher waits at a gate, so the clear or delete certainly lands while the load is in flight.
  function gatedFrontend() {
    let open!: () => void
    let reached!: () => void
    const gate = new Promise<void>((resolve) => (open = resolve))
    const fetching = new Promise<void>((resolve) => (reached = resolve))
    const http = createHttpFetcher({ endpointBaseUrl: server.baseUrl })
    freshFrontend({}, async (record, context) => {
      reached()
      await gate
      return http(record, context as undefined)
    })
    return { open, fetching }
  }

  it('clearImageCache (logout): a load that was in flight returns its image but refills neither tier', async () => {
    const { open, fetching } = gatedFrontend()
    const record = await server.save('clear-race', png(10))
    const pending = getImage(record)
    await fetching
    expect(await clearImageCache()).toBe(true)
    open()
    expect(await blobBytes(await pending)).toEqual(png(10))
    expect(await getCacheStats()).toMatchObject({ entries: 0, hotEntries: 0 })
    expect(await cachedImageExists('clear-race')).toBe(false)
  })

  it('deleteCachedImage: a load of that id in flight does not put it back; other ids still cache', async () => {
    const { open, fetching } = gatedFrontend()
    const gone = await server.save('delete-race', png(11))
    const kept = await server.save('delete-race-other', png(12))
    const pending = Promise.all([getImage(gone), getImage(kept)])
    await fetching
    expect(await deleteCachedImage('delete-race')).toBe(true)
    open()
    await pending
    expect(await cachedImageExists('delete-race')).toBe(false)
    expect(await cachedImageExists('delete-race-other')).toBe(true)
    expect(await getCacheStats()).toMatchObject({ entries: 1, hotEntries: 1 })
  })
})

describe('wire error states', () => {
  const cases: [string, number, string][] = [
    ['NotFound', WireState.NotFound, 'STATE_NOT_FOUND'],
    ['MissingID', WireState.MissingID, 'STATE_MISSING_ID'],
    ['MissingProof', WireState.MissingProof, 'STATE_MISSING_PROOF'],
    ['InvalidProof', WireState.InvalidProof, 'STATE_INVALID_PROOF'],
    ['InternalError', WireState.InternalError, 'STATE_INTERNAL_ERROR'],
  ]
  it.each(cases)('%s throws a PixstoreError with its own code and caches nothing', async (_name, state, code) => {
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    const record = await server.save(`state-${state}`, png(10))
    server.override = () => encodeWirePayload({ state } as never)
    const before = server.requests.length
    await expect(getImage(record)).rejects.toMatchObject({ name: 'PixstoreError', code })
    expect(server.requests.length - before).toBe(1) // wire states are answers: never retried
    expect(await cachedImageExists(record.id)).toBe(false)
  })

  it('a real NotFound and a real InvalidProof from the endpoint', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    const record = await server.save('real-states', png(11))
    await expect(getImage({ ...record, id: 'nobody' })).rejects.toMatchObject({ code: 'STATE_INVALID_PROOF' })
    await expect(getImage({ ...record, id: 'nobody', statelessProof: server.record('real-states').statelessProof.replace('cmVhbC1zdGF0ZXM', 'bm9ib2R5') })).rejects.toMatchObject({ code: 'STATE_NOT_FOUND' })
    await expect(getImage({ ...record, statelessProof: '' })).rejects.toMatchObject({ code: 'STATE_MISSING_PROOF' })
  })

  it('malformed wire bytes give the codec error and never poison the cache', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    const record = await server.save('garbage', png(12))
    server.override = () => Uint8Array.of(1, 2, 3)
    await expect(getImage(record)).rejects.toMatchObject({ code: 'WIRE_TRUNCATED' })
    server.override = () => Uint8Array.of(9)
    await expect(getImage(record)).rejects.toMatchObject({ code: 'WIRE_UNKNOWN_STATE' })
    expect(await cachedImageExists(record.id)).toBe(false)
  })

  it('a Success payload that does not decrypt is DECRYPT_FAILED and is not cached', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    const record = await server.save('bad-cipher', png(13))
    server.override = () => {
      const good = encodeWirePayload({ state: WireState.Success, ciphertext: new Uint8Array(40).fill(7) })
      return good
    }
    await expect(getImage(record)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' })
    expect(await cachedImageExists(record.id)).toBe(false)
    expect((await getCacheStats())!.entries).toBe(0)
  })

  it('hybrid mode logs and returns null; getLastPixstoreError tells the code', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    setErrorHandlingMode('hybrid')
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const record = await server.save('hybrid', png(14))
      server.override = () => Uint8Array.of(WireState.NotFound)
      expect(await getImage(record)).toBeNull()
      expect(getLastPixstoreError()?.code).toBe('STATE_NOT_FOUND')
      expect(log).toHaveBeenCalledTimes(1)
      expect(String(log.mock.calls[0])).not.toContain(record.meta.key) // no secret in logs
    } finally {
      log.mockRestore()
      setErrorHandlingMode('throw')
    }
  })

  it('rejects a malformed record with RECORD_INVALID before any request', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    const record = await server.save('bad-record', png(15))
    const before = server.requests.length
    const bad: unknown[] = [
      null,
      { ...record, id: '' },
      { ...record, token: -1 },
      { ...record, token: 2 ** 53 },
      { ...record, token: 1.5 },
      { ...record, meta: { ...record.meta, key: 'not base64!' } },
      { ...record, meta: { ...record.meta, iv: record.meta.key } },
    ]
    for (const r of bad) await expect(getImage(r as ImageRecord)).rejects.toMatchObject({ code: 'RECORD_INVALID' })
    expect(server.requests.length).toBe(before)
  })
})

describe('fetchers and refreshRecord', () => {
  it('a custom fetcher receives the record and the context unchanged', async () => {
    const record = await server.save('custom', png(16))
    const context = { jwt: 'abc', nested: { n: 1 } }
    const seen: unknown[] = []
    freshFrontend({}, async (r, ctx) => {
      seen.push([r, ctx])
      const res = await fetch(`${server.baseUrl}/${encodeURIComponent(r.id)}?token=${r.token}`, {
        headers: { 'x-pixstore-proof': r.statelessProof },
      })
      return new Uint8Array(await res.arrayBuffer())
    })
    const blob = await getImage(record, context)
    expect(await blobBytes(blob)).toEqual(png(16))
    expect(seen).toHaveLength(1)
    expect((seen[0] as unknown[])[0]).toEqual(record)
    expect((seen[0] as unknown[])[1]).toBe(context)
  })

  it('a fetcher resolving to something else is FETCH_FAILED', async () => {
    const record = await server.save('custom-bad', png(17))
    freshFrontend({}, async () => 'nope' as unknown as Uint8Array)
    await expect(getImage(record)).rejects.toMatchObject({ code: 'FETCH_FAILED' })
  })

  it('InvalidProof calls refreshRecord (config) once and retries with the fresh record', async () => {
    const record = await server.save('refresh', png(18))
    server.expireProofs()
    const refresh = vi.fn(async (r: ImageRecord) => server.record(r.id))
    freshFrontend({ endpointBaseUrl: server.baseUrl, refreshRecord: refresh })
    const before = server.requests.length
    expect(await blobBytes(await getImage(record))).toEqual(png(18))
    expect(refresh).toHaveBeenCalledTimes(1)
    expect(refresh.mock.calls[0]![0]).toEqual(record)
    expect(server.requests.length - before).toBe(2)
  })

  it('refreshRecord from the context wins, and a second rejection is not retried again', async () => {
    const record = await server.save('refresh-ctx', png(19))
    server.expireProofs()
    const fromConfig = vi.fn(async (r: ImageRecord) => server.record(r.id))
    const stillBad = vi.fn(async (r: ImageRecord) => ({ ...r, statelessProof: 'still-wrong' }))
    freshFrontend({ endpointBaseUrl: server.baseUrl, refreshRecord: fromConfig })
    const before = server.requests.length
    await expect(getImage(record, { refreshRecord: stillBad })).rejects.toMatchObject({ code: 'STATE_INVALID_PROOF' })
    expect(stillBad).toHaveBeenCalledTimes(1)
    expect(fromConfig).not.toHaveBeenCalled()
    expect(server.requests.length - before).toBe(2)
  })

  it('pixstore 3.2.1 endpoint keys build the URL', async () => {
    const record = await server.save('legacy-keys', png(20))
    freshFrontend({ defaultEndpointConnectHost: '127.0.0.1', defaultEndpointConnectPort: server.port, defaultEndpointRoute: '/pixstore-image' })
    expect(await blobBytes(await getImage(record))).toEqual(png(20))
  })

  it('bad config throws CONFIG_INVALID and keeps the running instance', async () => {
    const record = await server.save('config', png(21))
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    await getImage(record)
    const { initPixstoreFrontend } = await import('../../src/frontend/index.js')
    expect(() => initPixstoreFrontend({ frontendImageCacheLimit: 0 })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }))
    expect(() => initPixstoreFrontend({ endpointBaseUrl: 'ftp://x' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }))
    expect(() => initPixstoreFrontend({ defaultEndpointConnectPort: 70000 })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }))
    expect((await getImageWithInfo(record))?.source).toBe('hot') // same instance, hot tier intact
  })
})
