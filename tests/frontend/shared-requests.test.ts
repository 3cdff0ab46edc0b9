import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { blobBytes, freshFrontend, png } from './helpers/frontend-env.js'
import { startImageServer, type ImageServer } from './helpers/image-server.js'
import { createHttpFetcher, getCacheStats, getImage, getImageWithInfo } from '../../src/frontend/index.js'

let server: ImageServer
beforeAll(async () => {
  server = await startImageServer()
})
afterAll(() => server.close())

describe('concurrent getImage for one id+token', () => {
  it('20 concurrent calls make 1 HTTP request and get the same image', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    const image = png(30, 64, 64)
    const record = await server.save('shared', image)
    server.delayMs = 30
    try {
      const before = server.requests.length
      const results = await Promise.all(Array.from({ length: 20 }, () => getImageWithInfo(record)))
      expect(server.requests.length - before).toBe(1)
      expect(results.filter((r) => r?.shared)).toHaveLength(19)
      // one decryption too: every caller holds the very same Blob
      expect(new Set(results.map((r) => r!.blob)).size).toBe(1)
      expect(await blobBytes(results[0]!.blob)).toEqual(image)
      expect(await getCacheStats()).toMatchObject({ networkRequests: 1, misses: 1, entries: 1 })
    } finally {
      server.delayMs = 0
    }
  })

  it('different tokens of one id are separate loads', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    const a = await server.save('two-tokens', png(31))
    const b = await server.save('two-tokens', png(32))
    const before = server.requests.length
    await Promise.all([getImage(a), getImage(a), getImage(b), getImage(b)])
    expect(server.requests.length - before).toBe(2)
  })

  it('one caller aborting does not fail the others sharing its request', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    const record = await server.save('abort-one', png(33))
    server.delayMs = 50
    try {
      const controller = new AbortController()
      const before = server.requests.length
      const leaving = getImage(record, { signal: controller.signal })
      const staying = getImage(record)
      controller.abort()
      await expect(leaving).rejects.toMatchObject({ code: 'FETCH_ABORTED' })
      expect(await blobBytes(await staying)).toEqual(png(33))
      expect(server.requests.length - before).toBe(1)
    } finally {
      server.delayMs = 0
    }
  })

  it('with a custom fetcher that honours context.signal, one caller aborting does not fail the others', async () => {
    // A custom fetcher wrapping the default one (as the demo's recording fetcher does) passes the
    // context's signal on: it must be the shared load's signal, not the first caller's own.
    const http = createHttpFetcher({ endpointBaseUrl: server.baseUrl, retries: 0 })
    freshFrontend({}, (record, context) => http(record, context as { signal?: AbortSignal }))
    const record = await server.save('abort-one-custom', png(36))
    server.delayMs = 50
    try {
      const controller = new AbortController()
      const before = server.requests.length
      const leaving = getImage(record, { signal: controller.signal })
      const staying = getImage(record, { signal: new AbortController().signal })
      controller.abort()
      await expect(leaving).rejects.toMatchObject({ code: 'FETCH_ABORTED' })
      expect(await blobBytes(await staying)).toEqual(png(36))
      expect(server.requests.length - before).toBe(1)
    } finally {
      server.delayMs = 0
    }
  })

  it('when every caller aborts, the request is aborted and a later call starts afresh', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    const record = await server.save('abort-all', png(34))
    server.delayMs = 80
    try {
      const c1 = new AbortController()
      const c2 = new AbortController()
      const p1 = getImage(record, { signal: c1.signal })
      const p2 = getImage(record, { signal: c2.signal })
      c1.abort()
      c2.abort()
      await expect(p1).rejects.toMatchObject({ code: 'FETCH_ABORTED' })
      await expect(p2).rejects.toMatchObject({ code: 'FETCH_ABORTED' })
      const info = await getImageWithInfo(record)
      expect(info?.shared).toBe(false)
      expect(await blobBytes(info!.blob)).toEqual(png(34))
    } finally {
      server.delayMs = 0
    }
  })

  it('an already aborted signal fails at once without a request', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    const record = await server.save('pre-aborted', png(35))
    const before = server.requests.length
    await expect(getImage(record, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'FETCH_ABORTED' })
    expect(server.requests.length).toBe(before)
  })
})
