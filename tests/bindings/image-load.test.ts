// The loader both framework bindings stand on (src/bindings/image-load.ts), in Node against the
// test endpoint: a stopped load is aborted and its URL released (never settled), the error settled
// is the call's own, the variant reaches the request, a cached image makes no request.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { freshFrontend, png } from '../frontend/helpers/frontend-env.js'
import { startImageServer, type ImageServer } from '../frontend/helpers/image-server.js'
import { startImageLoad, type PixstoreImageState } from '../../src/bindings/image-load.js'
import { liveImageUrlCount } from '../../src/frontend/image-url.js'
import { getLastPixstoreError, setErrorHandlingMode } from '../../src/shared/error-handling.js'

let server: ImageServer
beforeAll(async () => {
  server = await startImageServer()
})
afterAll(() => server.close())
afterEach(() => {
  server.delayMs = 0
  vi.restoreAllMocks()
})

const macrotask = () => new Promise((resolve) => setTimeout(resolve, 0))

function settled(record: Parameters<typeof startImageLoad>[0], options: Parameters<typeof startImageLoad>[1] = {}) {
  let stop = () => {}
  const state = new Promise<PixstoreImageState>((resolve) => {
    stop = startImageLoad(record, options, resolve)
  })
  return { state, stop: () => stop() }
}

describe('startImageLoad', () => {
  it('settles ready with a live URL; stop() releases it (revoked after the grace period)', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    const record = await server.save('load-a', png(1))
    const revoke = vi.spyOn(URL, 'revokeObjectURL')
    const load = settled(record)
    const state = await load.state
    expect(state).toMatchObject({ status: 'ready', error: null })
    expect(state.url).toMatch(/^blob:/)
    expect(liveImageUrlCount()).toBe(1)
    load.stop()
    await macrotask()
    expect(revoke).toHaveBeenCalledWith(state.url)
    expect(liveImageUrlCount()).toBe(0)
  })

  it('a load stopped before it resolves is aborted, never settles, and leaves no URL behind', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    const record = await server.save('load-b', png(2))
    server.delayMs = 50
    const seen: PixstoreImageState[] = []
    const before = server.requests.length
    const stop = startImageLoad(record, {}, (s) => seen.push(s))
    await vi.waitFor(() => expect(server.requests.length).toBe(before + 1))
    stop()
    await new Promise((resolve) => setTimeout(resolve, 120))
    expect(seen).toEqual([])
    expect(liveImageUrlCount()).toBe(0)
    // the abort of our own stop is not reported as a failure
    expect(getLastPixstoreError()?.code).not.toBe('FETCH_ABORTED')
  })

  it('a stopped load that resolves anyway (another holder kept it going) releases its URL', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    const record = await server.save('load-c', png(3))
    server.delayMs = 30
    const other = settled(record) // shares the same network load, so it is not aborted
    const seen: PixstoreImageState[] = []
    const stop = startImageLoad(record, {}, (s) => seen.push(s))
    stop()
    const kept = await other.state
    expect(kept.status).toBe('ready')
    await macrotask()
    expect(seen).toEqual([])
    expect(liveImageUrlCount()).toBe(1) // only the other holder's
    other.stop()
    await macrotask()
    expect(liveImageUrlCount()).toBe(0)
  })

  it('settles the error of its own call, in every error mode, without throwing', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl })
    const record = await server.save('load-d', png(4))
    vi.spyOn(console, 'error').mockImplementation(() => {})
    for (const mode of ['throw', 'hybrid', 'silent'] as const) {
      setErrorHandlingMode(mode)
      const state = await settled({ ...record, statelessProof: 'wrong' }).state
      expect(state).toMatchObject({ status: 'error', url: null })
      expect((state.error as { code?: string }).code, mode).toBe('STATE_INVALID_PROOF')
    }
    // a variant the record does not list: refused before any request
    const before = server.requests.length
    const unknown = await settled(record, { variant: 'thumb' }).state
    expect((unknown.error as { code?: string }).code).toBe('VARIANT_UNKNOWN')
    expect(server.requests.length).toBe(before)
  })

  it('passes the variant and the context (with a signal) to the fetcher; a cached image makes no request', async () => {
    const record = await server.save('load-e', png(5), 'png', { thumb: png(6, 4, 4) })
    const calls: { context: unknown; request: unknown }[] = []
    freshFrontend({ endpointBaseUrl: server.baseUrl }, async (rec, context, request) => {
      calls.push({ context, request })
      const res = await fetch(`${server.baseUrl}/${rec.id}${request?.variant ? `?variant=${request.variant}` : ''}`, {
        headers: { 'x-pixstore-proof': rec.statelessProof, 'x-pixstore-token': String(rec.token) },
      })
      return new Uint8Array(await res.arrayBuffer())
    })
    const thumb = settled(record, { variant: 'thumb', context: { playerId: 42 } })
    const shown = await thumb.state
    expect(shown.status, String(shown.error)).toBe('ready')
    expect(calls).toHaveLength(1)
    expect(calls[0]!.request).toEqual({ variant: 'thumb' })
    expect(calls[0]!.context).toMatchObject({ playerId: 42 })
    expect((calls[0]!.context as { signal: unknown }).signal).toBeInstanceOf(AbortSignal)
    thumb.stop()
    await macrotask()
    // the URL is gone, the image is still in the cache: no request
    const again = settled(record, { variant: 'thumb', context: { playerId: 42 } })
    expect((await again.state).status).toBe('ready')
    expect(calls).toHaveLength(1)
    again.stop()
  })
})
