import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
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
