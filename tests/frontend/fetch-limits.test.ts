// Item 3: the default fetcher is bounded in memory (maxResponseBytes, enforced while reading) and in
// time (fetchTimeoutMs, over all attempts, combined with the caller's signal). The servers count the
// bytes they actually got onto the socket: a client that buffered the whole answer before failing
// would have made them write all of it.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { freshFrontend } from './helpers/frontend-env.js'
import { createHttpFetcher, getImage } from '../../src/frontend/index.js'
import { DEFAULT_MAX_RESPONSE_BYTES } from '../../src/frontend/fetch/fetch-limits.js'
import type { ImageRecord } from '../../src/types/index.js'

const MiB = 1024 * 1024
const BODY = 200 * MiB
const record: ImageRecord = {
  id: 'limits',
  token: 1,
  meta: { key: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', iv: 'AAAAAAAAAAAAAAAA', tag: 'AAAAAAAAAAAAAAAAAAAAAA==' },
  statelessProof: 'p',
}

const servers: http.Server[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections()
    await new Promise((r) => s.close(r))
  }
})

async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler)
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/pixstore-image`
}

/** Streams a 200 MiB answer as fast as the client reads it; resolves with the bytes the socket sent. */
async function hugeServer(declareLength: boolean) {
  let done!: (written: number) => void
  const written = new Promise<number>((r) => (done = r))
  const base = await listen((req, res) => {
    res.writeHead(200, declareLength ? { 'content-length': BODY } : {})
    const chunk = new Uint8Array(64 * 1024)
    let sent = 0
    let closed = false
    res.on('close', () => {
      closed = true
      done(req.socket.bytesWritten)
    })
    const pump = () => {
      while (!closed && sent < BODY) {
        sent += chunk.length
        if (!res.write(chunk)) return void res.once('drain', pump)
      }
      if (!closed) res.end()
    }
    pump()
  })
  return { base, written }
}

describe('maxResponseBytes', () => {
  it('the default is the largest frame a default backend sends, rounded up to 64 KiB', () => {
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(25 * MiB + 64 * 1024)
  })

  it('a Content-Length over the cap is refused before the body is read', async () => {
    const { base, written } = await hugeServer(true)
    const fetcher = createHttpFetcher({ endpointBaseUrl: base, maxResponseBytes: MiB })
    await expect(fetcher(record)).rejects.toMatchObject({ code: 'FETCH_TOO_LARGE' })
    expect(await written).toBeLessThan(BODY / 4)
  })

  it('an undeclared length is cut off while reading, far before 200 MiB (default cap, through getImage)', async () => {
    const { base, written } = await hugeServer(false)
    freshFrontend({ endpointBaseUrl: base, useIndexedDB: false })
    await expect(getImage(record)).rejects.toMatchObject({ code: 'FETCH_TOO_LARGE' })
    const sent = await written
    expect(sent).toBeGreaterThan(DEFAULT_MAX_RESPONSE_BYTES) // the client did read up to its cap
    expect(sent).toBeLessThan(BODY / 2)
  })
})

describe('fetchTimeoutMs', () => {
  it('a server that never answers fails with FETCH_TIMEOUT', async () => {
    const base = await listen(() => {})
    freshFrontend({ endpointBaseUrl: base, useIndexedDB: false, fetchTimeoutMs: 200 })
    await expect(getImage(record)).rejects.toMatchObject({ code: 'FETCH_TIMEOUT' })
  })

  it('a body that stalls half-way fails with FETCH_TIMEOUT', async () => {
    const base = await listen((_req, res) => {
      res.writeHead(200, { 'content-length': 100 })
      res.write(new Uint8Array(10))
    })
    const fetcher = createHttpFetcher({ endpointBaseUrl: base, timeoutMs: 200 })
    await expect(fetcher(record)).rejects.toMatchObject({ code: 'FETCH_TIMEOUT' })
  })

  it('the deadline covers the retries and their waits', async () => {
    const base = await listen((req) => req.socket.destroy())
    const fetcher = createHttpFetcher({ endpointBaseUrl: base, retries: 10, retryDelayMs: 60_000, timeoutMs: 200 })
    await expect(fetcher(record)).rejects.toMatchObject({ code: 'FETCH_TIMEOUT' })
  })

  it("the caller's signal still aborts first, as FETCH_ABORTED", async () => {
    const base = await listen(() => {})
    const fetcher = createHttpFetcher({ endpointBaseUrl: base, timeoutMs: 60_000 })
    const controller = new AbortController()
    const pending = fetcher(record, { signal: controller.signal })
    setTimeout(() => controller.abort(), 20)
    await expect(pending).rejects.toMatchObject({ code: 'FETCH_ABORTED' })
  })
})
