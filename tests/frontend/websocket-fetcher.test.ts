// createWebSocketFetcher against a real `ws` server running serveImagesOverWebSocket on our own
// backend: getImage through it (one request per concurrent miss, cache hit after), multiplexed
// answers in any order, proofs refused, denials per connection and per request, reconnection after a
// drop (every waiting call rejected), connection attempts with backoff, timeout, abort, answer cap.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import type { WebSocketServeOptions } from '../../src/backend/adapters/websocket.js'
import { customEndpointHelper, getImageRecord, saveImage } from '../../src/backend/index.js'
import { createWebSocketFetcher, type WebSocketConstructor, type WebSocketFetcherOptions } from '../../src/frontend/fetch/websocket-fetcher.js'
import { getImage, getImageWithInfo } from '../../src/frontend/index.js'
import type { ImageRecord } from '../../src/types/index.js'
import { makeTempDir, removeDir, startBackend, stopBackend } from '../helpers/backend-fixture.js'
import { startWebSocketImageServer, type WebSocketImageServer } from '../helpers/websocket-image-server.js'
import { freePort } from '../helpers/free-port.js'
import { pixstoreRejection } from '../helpers/rejection.js'
import { blobBytes, freshFrontend, png } from './helpers/frontend-env.js'

let dir: string
let a: ImageRecord
let b: ImageRecord
const imageA = png(11, 20, 10)
const imageB = png(12, 30, 15)
beforeAll(async () => {
  dir = await makeTempDir('ws-fetcher')
  await startBackend(dir)
  a = (await saveImage(imageA))!
  b = (await saveImage(imageB))!
})
afterAll(async () => {
  await stopBackend()
  await removeDir(dir)
})

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function serve(options: WebSocketServeOptions<any> = {}): Promise<WebSocketImageServer> {
  const started = await startWebSocketImageServer(options, { maxPayload: 4096 })
  cleanups.push(started.close)
  return started
}

function fetcherFor(url: string, options: Partial<WebSocketFetcherOptions<any>> = {}) {
  const fetcher = createWebSocketFetcher<any>({ url, WebSocket: WebSocket as unknown as WebSocketConstructor, reconnectDelayMs: 5, ...options })
  cleanups.push(() => fetcher.close())
  return fetcher
}

describe('createWebSocketFetcher', () => {
  it('is getImage\'s fetcher: 20 concurrent misses make one request, a second load none', async () => {
    const s = await serve()
    freshFrontend({}, fetcherFor(s.url))
    const blobs = await Promise.all(Array.from({ length: 20 }, () => getImage(a)))
    expect(s.events.length).toBe(1)
    expect(await blobBytes(blobs[13]!)).toEqual(imageA)
    expect((await getImageWithInfo(a))?.source).not.toBe('network')
    expect(s.events.length).toBe(1)
    expect(s.connections).toBe(1)
  })

  it('multiplexes: concurrent calls share one connection and each gets its own answer, in any order', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const s = await serve({
      authorize: async (req) => {
        if (req.id === a.id) await gate
        return { allow: true }
      },
      onServed: (e) => {
        if (e.id === b.id) release()
      },
    })
    const fetcher = fetcherFor(s.url)
    const order: string[] = []
    const [pa, pb] = [fetcher(a).then((x) => (order.push('a'), x)), fetcher(b).then((x) => (order.push('b'), x))]
    const [fa, fb] = await Promise.all([pa, pb])
    expect(order).toEqual(['b', 'a'])
    expect(fa).toEqual(await customEndpointHelper(a.id, a.token, a.statelessProof))
    expect(fb).toEqual(await customEndpointHelper(b.id, b.token, b.statelessProof))
    expect(s.connections).toBe(1)
  })

  it('sends the variant and the requestFields to the server hook', async () => {
    const seen: unknown[] = []
    const s = await serve({ authorize: (req) => (seen.push([req.variant, req.app]), { allow: true }) })
    const fetcher = fetcherFor(s.url, { requestFields: (_record, context) => ({ playerId: context?.playerId }) })
    await fetcher(a, { playerId: 42 }, { variant: 'thumb' })
    await fetcher(a, { playerId: 7 })
    expect(seen).toEqual([['thumb', { playerId: 42 }], [undefined, { playerId: 7 }]])
  })

  it('a forged proof or another scope fails getImage with STATE_INVALID_PROOF', async () => {
    const s = await serve({ authorizeConnection: () => ({ allow: true, scope: 'user-1' }) })
    freshFrontend({}, fetcherFor(s.url))
    const mine = (await getImageRecord(b.id, { scope: 'user-1' }))!
    const theirs = (await getImageRecord(b.id, { scope: 'user-2' }))!
    expect((await pixstoreRejection(getImage(theirs))).code).toBe('STATE_INVALID_PROOF')
    expect(await blobBytes(await getImage(mine))).toEqual(imageB)
  })

  it('a denied connection fails FETCH_FAILED naming the status, without retrying', async () => {
    const s = await serve({ authorizeConnection: () => ({ allow: false, status: 401, reason: 'sign in' }) })
    const fetcher = fetcherFor(s.url)
    const error = await pixstoreRejection(fetcher(a))
    expect(error.code).toBe('FETCH_FAILED')
    expect(error.message).toMatch(/401.*sign in/)
    expect(s.connections).toBe(1)
  })

  it('a denied request fails FETCH_FAILED naming the status; the connection stays for the next', async () => {
    const s = await serve({ authorize: (req) => (req.id === b.id ? { allow: false, status: 403, reason: 'not yours' } : { allow: true }) })
    const fetcher = fetcherFor(s.url)
    const error = await pixstoreRejection(fetcher(b))
    expect(error.code).toBe('FETCH_FAILED')
    expect(error.message).toMatch(/403.*not yours/)
    expect((await fetcher(a))[0]).toBe(0)
    expect(s.connections).toBe(1)
  })

  it('a dropped connection rejects every waiting call with FETCH_FAILED; the next call reconnects', async () => {
    let held = 0
    let allHeld!: () => void
    const waiting = new Promise<void>((r) => (allHeld = r))
    const s = await serve({
      authorize: (req) => {
        if (req.id !== 'hold') return { allow: true }
        if (++held === 3) allHeld()
        return new Promise(() => {})
      },
    })
    const fetcher = fetcherFor(s.url)
    const hold = { ...a, id: 'hold' }
    const calls = [fetcher(hold), fetcher(hold), fetcher(hold)].map((p) => pixstoreRejection(p))
    await waiting
    for (const c of s.wss.clients) c.terminate()
    const errors = await Promise.all(calls)
    expect(errors.map((e) => e.code)).toEqual(['FETCH_FAILED', 'FETCH_FAILED', 'FETCH_FAILED'])
    expect(errors[0]!.message).toMatch(/closed/)
    expect((await fetcher(a))[0]).toBe(0)
    expect(s.connections).toBe(2)
  })

  it('retries connecting with backoff, then fails FETCH_FAILED after connectAttempts', async () => {
    const port = await freePort()
    let constructed = 0
    class Counting extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols)
        constructed++
      }
    }
    const fetcher = fetcherFor(`ws://127.0.0.1:${port}`, { WebSocket: Counting as unknown as WebSocketConstructor, connectAttempts: 3 })
    const error = await pixstoreRejection(fetcher(a))
    expect(error.code).toBe('FETCH_FAILED')
    expect(constructed).toBe(3)
  })

  it('a server that never answers fails FETCH_TIMEOUT', async () => {
    const s = await serve({ authorize: () => new Promise(() => {}) })
    const fetcher = fetcherFor(s.url, { timeoutMs: 150 })
    expect((await pixstoreRejection(fetcher(a))).code).toBe('FETCH_TIMEOUT')
  })

  it('context.signal aborts a call (FETCH_ABORTED); its late answer is dropped and the next call works', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    let arrived!: () => void
    const atServer = new Promise<void>((r) => (arrived = r))
    const s = await serve({
      authorize: async (req) => {
        if (req.id === 'late') {
          arrived()
          await gate
        }
        return { allow: true }
      },
    })
    const fetcher = fetcherFor(s.url)
    const controller = new AbortController()
    const call = pixstoreRejection(fetcher({ ...a, id: 'late' }, { signal: controller.signal }))
    await atServer // the request is on the server, waiting: abort it now
    controller.abort()
    expect((await call).code).toBe('FETCH_ABORTED')
    release()
    expect(await fetcher(b)).toEqual(await customEndpointHelper(b.id, b.token, b.statelessProof))
    while (!s.events.some((e) => e.id === 'late')) await new Promise((r) => setTimeout(r, 10))
    // an already aborted signal sends nothing
    const before = s.events.length
    expect((await pixstoreRejection(fetcher(a, { signal: AbortSignal.abort() }))).code).toBe('FETCH_ABORTED')
    await fetcher(a)
    expect(s.events.slice(before).map((e) => e.id)).toEqual([a.id])
  })

  it('an answer over maxResponseBytes fails FETCH_TOO_LARGE', async () => {
    const s = await serve()
    const fetcher = fetcherFor(s.url, { maxResponseBytes: 64 })
    expect((await pixstoreRejection(fetcher(a))).code).toBe('FETCH_TOO_LARGE')
  })

  it('rejects bad options with CONFIG_INVALID', () => {
    expect(() => createWebSocketFetcher({ url: '' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }))
    expect(() => createWebSocketFetcher({ url: 'ws://x', WebSocket: WebSocket as never, timeoutMs: 0 })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }))
  })
})
