// The batch request on the built-in endpoint: every item answered exactly as its own GET, in order,
// under one directory; the request's limits (items, bytes, type) refused with clear statuses, a
// body never read past its limit, and a stalled body dropped by the endpoint's timeout.
import net from 'node:net'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeBatch } from '../../../src/codec/index.js'
import { WireState } from '../../../src/types/index.js'
import { makeTempDir, removeDir, startBackend, stopBackend } from '../../helpers/backend-fixture.js'
import { getAsSingle, makeMixedBatch, postBatch, splitContainer, type MixedBatch } from '../serve/batch-wire.js'

const ORIGIN = 'https://app.example'
const MAX_ITEMS = 12
const MAX_BYTES = 8 * 1024
const TIMEOUT_MS = 1_000

let dir: string
let url: string
let base: URL
let mixed: MixedBatch

beforeAll(async () => {
  dir = await makeTempDir('batch-http')
  url = await startBackend(dir, {
    accessControlAllowOrigin: ORIGIN,
    maxBatchItems: MAX_ITEMS,
    maxBatchRequestBytes: MAX_BYTES,
    defaultEndpointTimeoutMs: TIMEOUT_MS,
  })
  base = new URL(url)
  mixed = await makeMixedBatch()
})
afterAll(async () => {
  await stopBackend()
  await removeDir(dir)
})

interface RawAnswer {
  text: string
  /** The server closed the connection (rather than the client giving up). */
  closedByServer: boolean
}

/** Writes `parts` in order on one connection, then waits (up to `waitMs`) for the server to close. */
function raw(parts: (string | Buffer)[], waitMs = 10_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(base.port), base.hostname)
    let text = ''
    let done = false
    const finish = (closedByServer: boolean) => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      resolve({ text, closedByServer })
    }
    const timer = setTimeout(() => finish(false), waitMs)
    socket.on('data', (d) => (text += d.toString('latin1')))
    socket.on('error', () => finish(true))
    socket.on('close', () => finish(true))
    socket.on('end', () => finish(true))
    for (const p of parts) socket.write(p)
  })
}

describe('batch request on the built-in endpoint', () => {
  it('answers a mixed batch with one frame per item, in order, each byte-equal to its own GET', async () => {
    const res = await postBatch(url, { v: 1, items: mixed.items })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/octet-stream')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    const frames = splitContainer(res.bytes)
    expect(frames.map((f) => f[0])).toEqual(mixed.states)
    // The codec's strict decoder reads it too.
    expect(decodeBatch(res.bytes, mixed.items.length).map((p) => p.state)).toEqual(mixed.states)
    for (let i = 0; i < mixed.items.length; i++) {
      expect(Buffer.from(frames[i]!).equals(Buffer.from(await getAsSingle(url, mixed.items[i]!))), `item ${i}`).toBe(true)
    }
    // Images, not just state bytes: the Updated frame carries the current image.
    expect(frames[1]!.length).toBeGreaterThan(69)
  })

  it('serves the same image many times in one batch', async () => {
    const item = mixed.items[0]!
    const frames = splitContainer((await postBatch(url, { v: 1, items: Array(MAX_ITEMS).fill(item) })).bytes)
    expect(frames).toHaveLength(MAX_ITEMS)
    const single = Buffer.from(await getAsSingle(url, item))
    for (const f of frames) expect(Buffer.from(f).equals(single)).toBe(true)
  })

  it('refuses malformed requests with 400, too many items with 413, another content type with 415', async () => {
    const item = mixed.items[0]!
    const cases: [unknown, number][] = [
      ['{"v":1,"items":[', 400],
      ['\xff', 400],
      [[item], 400],
      [{ v: 2, items: [item] }, 400],
      [{ items: [item] }, 400],
      [{ v: 1, items: [] }, 400],
      [{ v: 1, items: {} }, 400],
      [{ v: 1, items: [item], extra: true }, 400],
      [{ v: 1, items: [{ ...item, id: 5 }] }, 400],
      [{ v: 1, items: [{ ...item, token: '5' }] }, 400],
      [{ v: 1, items: [{ ...item, proof: 7 }] }, 400],
      [{ v: 1, items: [{ ...item, admin: 1 }] }, 400],
      [{ v: 1, items: [null] }, 400],
      [{ v: 1, items: Array(MAX_ITEMS + 1).fill(item) }, 413],
    ]
    for (const [body, status] of cases) {
      const res = await postBatch(url, body)
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(status)
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    }
    // A "simple" cross-site POST (no preflight) cannot be a batch request.
    expect((await postBatch(url, { v: 1, items: [item] }, { 'content-type': 'text/plain' })).status).toBe(415)
    expect((await postBatch(url, { v: 1, items: [item] }, {})).status).toBe(415)
    // A JSON type with parameters is still JSON.
    expect((await postBatch(url, { v: 1, items: [item] }, { 'content-type': 'Application/JSON; charset=utf-8' })).status).toBe(200)
  })

  it('the token is read as a GET reads it: a number that is no version is "no token" (Updated)', async () => {
    const { id, proof } = mixed.items[0]!
    for (const token of [-1, 1.5, 2 ** 60]) {
      const [frame] = splitContainer((await postBatch(url, { v: 1, items: [{ id, token, proof }] })).bytes)
      expect(frame![0]).toBe(WireState.Updated)
    }
  })

  it('refuses a declared Content-Length above the limit unread (413, connection closed)', async () => {
    const answer = await raw([`POST ${base.pathname} HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: ${100 * 1024 * 1024}\r\n\r\n{"v":1`])
    expect(answer.text).toMatch(/^HTTP\/1\.1 413 /)
    expect(answer.text.toLowerCase()).toContain('connection: close')
    expect(answer.closedByServer).toBe(true)
  })

  it('stops reading a chunked body at the limit: 413 before the body ends, connection closed', async () => {
    const chunk = Buffer.alloc(MAX_BYTES + 1, 0x20)
    // The body never ends (no terminating chunk): only a server that stops at the limit answers.
    const answer = await raw([
      `POST ${base.pathname} HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n`,
      `${chunk.length.toString(16)}\r\n`,
      chunk,
      '\r\n',
    ])
    expect(answer.text).toMatch(/^HTTP\/1\.1 413 /)
    expect(answer.closedByServer).toBe(true)
  })

  it('drops a batch request whose body stalls, after defaultEndpointTimeoutMs, without answering', async () => {
    const body = JSON.stringify({ v: 1, items: mixed.items })
    const answer = await raw([
      `POST ${base.pathname} HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`,
      body.slice(0, body.length >> 1),
    ])
    expect(answer.closedByServer).toBe(true)
    expect(answer.text).toBe('')
    // The endpoint still serves.
    expect((await postBatch(url, { v: 1, items: [mixed.items[0]] })).status).toBe(200)
  })

  it('preflight allows POST and content-type for the configured origin; other methods on the route are 405', async () => {
    const pre = await fetch(url, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    })
    expect(pre.status).toBe(204)
    expect(pre.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST')
    expect(pre.headers.get('access-control-allow-headers')).toContain('content-type')
    const put = await fetch(url, { method: 'PUT', body: '{}' })
    expect(put.status).toBe(405)
    expect(put.headers.get('allow')).toBe('GET, POST, OPTIONS')
    // A POST naming an image is not a batch.
    const onId = await postBatch(`${url}/${mixed.items[0]!.id}`, { v: 1, items: [mixed.items[0]] })
    expect(onId.status).toBe(405)
  })

  it('fuzz: any JSON body is 200 (a container of one frame per item), 400 or 413; the endpoint stays up', async () => {
    const known = mixed.items[0]!
    const itemArb = fc.record(
      {
        id: fc.oneof(fc.constant(known.id), fc.string(), fc.integer(), fc.constant(null)),
        token: fc.oneof(fc.constant(known.token), fc.double(), fc.string(), fc.constant(null)),
        proof: fc.oneof(fc.constant(known.proof), fc.string(), fc.constant(null), fc.boolean()),
      },
      { requiredKeys: [] },
    )
    const bodyArb = fc.oneof(
      fc.jsonValue(),
      fc.record({ v: fc.oneof(fc.constant(1), fc.jsonValue()), items: fc.array(itemArb, { maxLength: MAX_ITEMS + 2 }) }),
    )
    for (const body of fc.sample(bodyArb, { numRuns: 300, seed: 7 })) {
      const res = await postBatch(url, JSON.stringify(body))
      expect([200, 400, 413]).toContain(res.status)
      if (res.status === 200) {
        const items = (body as { items: unknown[] }).items
        const frames = splitContainer(res.bytes)
        expect(frames).toHaveLength(items.length)
        for (const f of frames) expect(f[0]).toBeLessThan(WireState.InternalError)
      } else {
        expect(new TextDecoder().decode(res.bytes)).not.toMatch(/at .+\.(ts|js):\d+|node:internal|\/work\/|\/tmp\//)
      }
    }
  }, 60_000)
})
