// Items 1 and 2: the record is the authority on the version. An Updated answer not newer than the
// record is refused and changes nothing; a bogus high-token Updated cannot lock an id's cache slot.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { blobBytes, freshFrontend, png } from './helpers/frontend-env.js'
import { startImageServer, type ImageServer } from './helpers/image-server.js'
import { cachedImageExists, getCacheStats, getImage, getImageWithInfo } from '../../src/frontend/index.js'
import { encodeWirePayload } from '../../src/codec/index.js'
import { sealImage } from '../../src/crypto/aes-gcm.js'
import { createMemoryCacheStore } from '../../src/frontend/cache/memory-cache-store.js'
import { openIndexedDBCacheStore } from '../../src/frontend/cache/indexeddb-cache-store.js'
import { createHotTier } from '../../src/frontend/cache/hot-tier.js'
import type { CacheStore } from '../../src/frontend/cache/cache-store.js'
import { formatToByte } from '../../src/shared/image-formats.js'
import { MAX_TOKEN } from '../../src/shared/protocol.js'
import { WireState } from '../../src/types/index.js'

let server: ImageServer
beforeAll(async () => {
  server = await startImageServer()
})
afterAll(() => server.close())
afterEach(() => {
  server.override = null
})

/** A well-formed Updated frame for `image` at `token`, under a fresh key of its own. */
async function updatedFrame(token: number, image: Uint8Array): Promise<Uint8Array> {
  const plain = new Uint8Array(image.length + 1)
  plain[0] = formatToByte('png')
  plain.set(image, 1)
  const s = await sealImage(plain)
  return encodeWirePayload({ state: WireState.Updated, token, key: s.key, iv: s.iv, tag: s.tag, ciphertext: s.ciphertext })
}

describe('an Updated answer must be newer than the record', () => {
  for (const [name, delta] of [['lower', -1], ['equal', 0]] as const) {
    it(`${name} token: STATE_STALE_UPDATE, nothing cached or shown`, async () => {
      freshFrontend({ endpointBaseUrl: server.baseUrl })
      const record = await server.save(`stale-${name}`, png(61))
      const frame = await updatedFrame(record.token + delta, png(62))
      server.override = () => frame
      await expect(getImage(record)).rejects.toMatchObject({ code: 'STATE_STALE_UPDATE' })
      await getCacheStats()
      expect(await cachedImageExists(record.id)).toBe(false)
    })
  }

  it('a newer token is accepted and cached under its own token', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    const record = await server.save('stale-newer', png(63))
    const newer = png(64)
    const frameNewer = await updatedFrame(record.token + 1, newer)
    server.override = () => frameNewer
    const info = await getImageWithInfo(record)
    expect(info!.token).toBe(record.token + 1)
    expect(await blobBytes(info!.blob)).toEqual(newer)
  })
})

describe('one bogus frame cannot lock the cache slot', () => {
  for (const store of ['indexeddb', 'memory'] as const) {
    it(`${store} store: after an Updated at 2^53-1 the genuine version is cached again`, async () => {
      freshFrontend({ endpointBaseUrl: server.baseUrl, frontendHotTierMaxBytes: 0, useIndexedDB: store === 'indexeddb' })
      const image = png(65)
      const record = await server.save(`lock-${store}`, image)
      const bogus = await updatedFrame(MAX_TOKEN, png(66))
      server.override = () => bogus
      expect((await getImageWithInfo(record))!.token).toBe(MAX_TOKEN) // newer than the record: shown
      server.override = null
      await getCacheStats()
      expect((await getImageWithInfo(record))!.source).toBe('network')
      await getCacheStats()
      const before = server.requests.length
      const again = await getImageWithInfo(record)
      expect(again!.source).toBe(store)
      expect(await blobBytes(again!.blob)).toEqual(image)
      expect(server.requests.length).toBe(before)
    })
  }

  it('hot tier: the genuine version replaces the bogus one', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl, useIndexedDB: false })
    const record = await server.save('lock-hot', png(67))
    const bogus = await updatedFrame(MAX_TOKEN, png(68))
    server.override = () => bogus
    await getImage(record)
    server.override = null
    await getImage(record)
    expect((await getImageWithInfo(record))!.source).toBe('hot')
  })
})

describe('slot rule of the stores and the hot tier', () => {
  const stores: [string, () => Promise<CacheStore>][] = [
    ['memory', async () => createMemoryCacheStore()],
    ['indexeddb', () => openIndexedDBCacheStore({ dbName: `slot-rule-${process.pid}`, dbVersion: 2, storeName: 'images' })],
  ]
  for (const [name, open] of stores) {
    it(`${name}: an unproven put replaces only an older token, a proven put replaces any`, async () => {
      const store = await open()
      const entry = (token: number) => ({ id: 'x', token, ciphertext: new Uint8Array(4).buffer, size: 4, lastUsed: 1 })
      expect(await store.put(entry(9), false)).not.toBeNull()
      expect(await store.put(entry(9), false)).toBeNull()
      expect(await store.put(entry(5), false)).toBeNull()
      expect((await store.get('x'))!.token).toBe(9)
      expect(await store.put(entry(5), true)).toEqual({ entries: 1, bytes: 4 })
      expect((await store.get('x'))!.token).toBe(5)
      expect(await store.put(entry(6), false)).not.toBeNull()
      expect((await store.get('x'))!.token).toBe(6)
      store.close()
    })
  }

  it('hot tier follows the same rule', () => {
    const hot = createHotTier(1 << 20)
    const blob = new Blob([new Uint8Array(3)])
    hot.set('x', 9, 'bogus', blob, 0, false)
    hot.set('x', 5, 'a', blob, 0, false)
    expect(hot.get('x', 5, 'a')).toBeUndefined()
    hot.set('x', 5, 'a', blob, 0, true)
    expect(hot.get('x', 5, 'a')).toBeDefined()
  })
})
