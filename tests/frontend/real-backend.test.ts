// getImage against our own backend's built-in endpoint (src/backend), unchanged, on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { blobBytes, freshFrontend, png } from './helpers/frontend-env.js'
import { startRealBackend, type RealBackend } from './helpers/real-backend.js'
import { getImage, getImageWithInfo } from '../../src/frontend/index.js'
import { getImageRecord, saveImage, updateImage } from '../../src/backend/index.js'
import type { ImageRecord } from '../../src/types/index.js'

let backend: RealBackend
beforeAll(async () => {
  backend = await startRealBackend()
})
afterAll(() => backend?.close())

describe('against the real backend endpoint', () => {
  it('20 concurrent getImage calls -> 1 HTTP request', async () => {
    freshFrontend({ endpointBaseUrl: backend.endpointBaseUrl })
    const image = png(90, 200, 150)
    const record = (await saveImage(image))!
    const before = backend.proxy.paths.length
    const blobs = await Promise.all(Array.from({ length: 20 }, () => getImage(record)))
    expect(backend.proxy.paths.length - before).toBe(1)
    for (const b of blobs) expect(b?.type).toBe('image/png')
    expect(await blobBytes(blobs[7]!)).toEqual(image)
  })

  it('after updateImage, the new record loads the new version; an old record gets it through Updated', async () => {
    freshFrontend({ endpointBaseUrl: backend.endpointBaseUrl, frontendHotTierMaxBytes: 0 })
    const v1 = png(91)
    const v2 = png(92, 30, 10)
    const r1 = (await saveImage(v1))!
    expect(await blobBytes(await getImage(r1))).toEqual(v1)
    const r2 = (await updateImage(r1.id, v2))!
    expect(r2.token).toBeGreaterThan(r1.token)
    const before = backend.proxy.paths.length
    const viaNew = await getImageWithInfo(r2)
    expect(viaNew?.source).toBe('network')
    expect(await blobBytes(viaNew!.blob)).toEqual(v2)
    expect((await getImageWithInfo(r2))?.source).toBe('indexeddb')
    expect(backend.proxy.paths.length - before).toBe(1)
    // a client still holding r1 (fresh proof, old token and key) is told Updated and shows v2
    const staleWithProof: ImageRecord = { ...(await getImageRecord(r1.id))!, token: r1.token, meta: r1.meta }
    const viaOld = await getImageWithInfo(staleWithProof)
    expect(viaOld?.token).toBe(r2.token)
    expect(await blobBytes(viaOld!.blob)).toEqual(v2)
  })

  it('a forged proof is STATE_INVALID_PROOF; refreshRecord with getImageRecord recovers', async () => {
    const record = (await saveImage(png(93)))!
    const forged = { ...record, statelessProof: record.statelessProof.slice(0, -4) + (record.statelessProof.endsWith('AAAA') ? 'BBBB' : 'AAAA') }
    freshFrontend({ endpointBaseUrl: backend.endpointBaseUrl })
    await expect(getImage(forged)).rejects.toMatchObject({ code: 'STATE_INVALID_PROOF' })
    freshFrontend({ endpointBaseUrl: backend.endpointBaseUrl, refreshRecord: async (r) => (await getImageRecord(r.id))! })
    expect(await blobBytes(await getImage(forged))).toEqual(png(93))
  })

  it('an unknown id with a valid-looking record is a PixstoreError, never a crash', async () => {
    const record = (await saveImage(png(94)))!
    freshFrontend({ endpointBaseUrl: backend.endpointBaseUrl })
    await expect(getImage({ ...record, id: 'does-not-exist' })).rejects.toMatchObject({ name: 'PixstoreError', code: expect.stringMatching(/^STATE_/) })
  })
})
