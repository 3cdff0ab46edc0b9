import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createHttpFetcher } from '../../src/frontend/index.js'
import type { ImageRecord } from '../../src/types/index.js'

const record: ImageRecord = {
  id: 'a b/ü',
  token: 42,
  meta: { key: '', iv: '', tag: '' },
  statelessProof: 'p.1.x',
}

const servers: http.Server[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections()
    await new Promise((r) => s.close(r))
  }
})

/** A server that drops the first `drops` connections mid-request, then answers `body`. */
async function flakyServer(drops: number, body = Uint8Array.of(2), status = 200) {
  const seen: { url: string; headers: http.IncomingHttpHeaders }[] = []
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers })
    if (seen.length <= drops) {
      req.socket.destroy()
      return
    }
    res.writeHead(status, { 'content-length': body.length }).end(body)
  })
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { seen, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/pixstore-image` }
}

describe('createHttpFetcher', () => {
  it('GETs the encoded id with proof and token headers', async () => {
    const { seen, base } = await flakyServer(0, Uint8Array.of(0, 9, 9))
    const bytes = await createHttpFetcher({ endpointBaseUrl: base })(record)
    expect(bytes).toEqual(Uint8Array.of(0, 9, 9))
    expect(seen).toHaveLength(1)
    expect(seen[0]!.url).toBe(`/pixstore-image/${encodeURIComponent('a b/ü')}`)
    expect(seen[0]!.headers['x-pixstore-proof']).toBe('p.1.x')
    expect(seen[0]!.headers['x-pixstore-token']).toBe('42')
  })

  it('retries network errors with backoff, up to the bound', async () => {
    const ok = await flakyServer(2, Uint8Array.of(2))
    expect(await createHttpFetcher({ endpointBaseUrl: ok.base, retries: 2, retryDelayMs: 1 })(record)).toEqual(Uint8Array.of(2))
    expect(ok.seen).toHaveLength(3)
    const failing = await flakyServer(10)
    await expect(createHttpFetcher({ endpointBaseUrl: failing.base, retries: 2, retryDelayMs: 1 })(record)).rejects.toMatchObject({ code: 'FETCH_FAILED' })
    expect(failing.seen).toHaveLength(3)
  })

  it('does not retry an HTTP error status', async () => {
    const { seen, base } = await flakyServer(0, Uint8Array.of(), 500)
    await expect(createHttpFetcher({ endpointBaseUrl: base, retries: 3, retryDelayMs: 1 })(record)).rejects.toMatchObject({ code: 'FETCH_FAILED' })
    expect(seen).toHaveLength(1)
  })

  it('an aborted signal stops the retries', async () => {
    const { seen, base } = await flakyServer(10)
    const controller = new AbortController()
    const pending = createHttpFetcher({ endpointBaseUrl: base, retries: 5, retryDelayMs: 200 })(record, { signal: controller.signal })
    setTimeout(() => controller.abort(), 50)
    await expect(pending).rejects.toMatchObject({ code: 'FETCH_ABORTED' })
    expect(seen.length).toBeLessThanOrEqual(2)
  })

  it('connection refused is FETCH_FAILED, not a crash', async () => {
    const { base } = await flakyServer(0)
    const dead = base.replace(/:\d+\//, ':1/')
    await expect(createHttpFetcher({ endpointBaseUrl: dead, retries: 1, retryDelayMs: 1 })(record)).rejects.toMatchObject({ code: 'FETCH_FAILED' })
  })

  it('a relative base with no page to resolve it fails at once, without retries', async () => {
    const started = performance.now()
    await expect(createHttpFetcher({ endpointBaseUrl: '/pixstore-image', retries: 3, retryDelayMs: 500 })(record)).rejects.toMatchObject({ code: 'FETCH_FAILED' })
    expect(performance.now() - started).toBeLessThan(400)
  })
})

describe('createHttpFetcher: a batch read as it arrives', () => {
  const frames = [Uint8Array.of(0, 1, 2, 3), Uint8Array.of(2), Uint8Array.of(0, 7, 7, 7, 7, 7)]

  /** Answers a batch POST with the container in two writes: the directory and frame 0, then the rest once released. */
  async function slowBatchServer(encoding?: string) {
    const { encodeBatch } = await import('../../src/codec/index.js')
    const container = encodeBatch(frames)
    const firstPart = 4 + 4 * frames.length + frames[0]!.length
    let release!: () => void
    const released = new Promise<void>((r) => (release = r))
    const server = http.createServer((req, res) => {
      req.resume()
      res.writeHead(200, { 'content-length': container.length, ...(encoding ? { 'content-encoding': encoding } : {}) })
      res.write(container.subarray(0, firstPart))
      void released.then(() => res.end(container.subarray(firstPart)))
    })
    servers.push(server)
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    return { container, release, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/pixstore-image` }
  }

  it('hands on each frame once its bytes are in, before the rest was sent; resolves to the whole container', async () => {
    const { container, release, base } = await slowBatchServer()
    const seen: Array<[number, number[]]> = []
    let first!: () => void
    const firstSeen = new Promise<void>((r) => (first = r))
    const done = createHttpFetcher({ endpointBaseUrl: base }).fetchBatch([record, record, record], undefined, undefined, (i, frame) => {
      seen.push([i, [...frame]])
      first()
    })
    await firstSeen // the server holds the rest until released: this frame came ahead of it
    expect(seen).toEqual([[0, [...frames[0]!]]])
    release()
    expect(await done).toEqual(container)
    expect(seen).toEqual(frames.map((f, i) => [i, [...f]]))
  })

  it('an encoded body (its Content-Length counts other bytes) is not read ahead', async () => {
    // `identity` spelled out is no encoding: read ahead as usual.
    const identity = await slowBatchServer('identity')
    let ahead = 0
    const pending = createHttpFetcher({ endpointBaseUrl: identity.base }).fetchBatch([record, record, record], undefined, undefined, () => ahead++)
    await vi.waitFor(() => expect(ahead).toBe(1), { timeout: 10_000, interval: 5 })
    identity.release()
    await pending
    expect(ahead).toBe(3)
    // A made-up encoding the fetch implementation passes through: no frame is handed on early.
    const encoded = await slowBatchServer('x-made-up')
    let early = 0
    const whole = createHttpFetcher({ endpointBaseUrl: encoded.base }).fetchBatch([record, record, record], undefined, undefined, () => early++)
    await new Promise((r) => setTimeout(r, 100)) // the first write had time to arrive
    expect(early).toBe(0)
    encoded.release()
    expect(await whole).toEqual(encoded.container)
    expect(early).toBe(0)
  })
})
