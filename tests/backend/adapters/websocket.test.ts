// serveImagesOverWebSocket against a real `ws` server, driven by raw clients: the answers are the
// serving core's frames byte for byte behind their request id, in completion order; the hooks allow,
// deny and scope per connection and per request; malformed messages close the connection with a
// code and never take the server down; a client that stops reading holds a bounded amount of memory.
import net from 'node:net'
import { randomBytes } from 'node:crypto'
import sharp from 'sharp'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { serveImagesOverWebSocket, type WebSocketServeOptions } from '../../../src/backend/adapters/websocket.js'
import { customEndpointHelper, getImageRecord, saveImage } from '../../../src/backend/index.js'
import { WsCloseCode } from '../../../src/shared/websocket-protocol.js'
import { decodeWirePayload } from '../../../src/codec/index.js'
import { openImage } from '../../../src/crypto/aes-gcm.js'
import { base64ToBytes } from '../../../src/crypto/base64.js'
import { WireState, type ImageRecord } from '../../../src/types/index.js'
import { generateImage } from '../../helpers/sample-images.js'
import { makeTempDir, removeDir, startBackend, stopBackend } from '../../helpers/backend-fixture.js'
import { startWebSocketImageServer, type WebSocketImageServer } from '../../helpers/websocket-image-server.js'

let dir: string
let a: ImageRecord
let b: ImageRecord
beforeAll(async () => {
  dir = await makeTempDir('ws')
  // A variant preset: every saved image also gets a 6×6 `thumb`, served by name like over HTTP.
  await startBackend(dir, { variants: { thumb: { width: 6, height: 6 } } })
  a = (await saveImage(generateImage('png', { width: 20, height: 10, seed: 1 })))!
  b = (await saveImage(generateImage('png', { width: 30, height: 15, seed: 2 })))!
})
afterAll(async () => {
  await stopBackend()
  await removeDir(dir)
})

const servers: WebSocketImageServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function serve(options: WebSocketServeOptions<any> = {}, perMessageDeflate = false): Promise<WebSocketImageServer> {
  const started = await startWebSocketImageServer(options, { maxPayload: 64 * 1024, perMessageDeflate })
  servers.push(started)
  return started
}

/** A raw client: every message it gets, by request id (binary) or parsed (text), and its close. */
async function client(url: string) {
  const ws = new WebSocket(url)
  const binary: { r: number; frame: Uint8Array }[] = []
  const text: any[] = []
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  const waiters: (() => void)[] = []
  ws.on('message', (data: Buffer, isBinary) => {
    if (isBinary) binary.push({ r: data.readUInt32LE(0), frame: new Uint8Array(data.subarray(4)) })
    else text.push(JSON.parse(data.toString()))
    for (const w of waiters.splice(0)) w()
  })
  ws.on('error', () => {})
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('close', () => resolve())
    ws.once('error', reject)
  })
  const until = async (done: () => boolean) => {
    while (!done()) await new Promise<void>((r) => waiters.push(r))
  }
  return {
    ws,
    binary,
    text,
    closed,
    send: (message: unknown) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    /** Waits until `n` answers (binary or text) came. */
    answers: (n: number) => until(() => binary.length + text.length >= n),
  }
}

const ask = (r: number, record: ImageRecord, extra: object = {}) => ({ r, id: record.id, token: record.token, proof: record.statelessProof, ...extra })

/** A new connection to `url` still gets `record` served (Success): the server survived what came before. */
async function expectStillServing(url: string, record: ImageRecord): Promise<void> {
  const c = await client(url)
  c.send(ask(1, record))
  await c.answers(1)
  expect(c.binary[0]!.frame[0]).toBe(WireState.Success)
  c.ws.close()
}

describe('serveImagesOverWebSocket', () => {
  it('answers several requests on one connection with the serving core frames, byte for byte', async () => {
    const s = await serve()
    const c = await client(s.url)
    c.send(ask(7, a))
    c.send(ask(8, b, { token: 0 })) // an old token: Updated
    c.send({ r: 9, id: 'nope', token: 1, proof: a.statelessProof })
    await c.answers(3)
    const byR = new Map(c.binary.map((m) => [m.r, m.frame]))
    expect([...byR.keys()].sort()).toEqual([7, 8, 9])
    expect(byR.get(7)).toEqual(await customEndpointHelper(a.id, a.token, a.statelessProof))
    expect(byR.get(8)).toEqual(await customEndpointHelper(b.id, 0, b.statelessProof))
    expect(byR.get(8)![0]).toBe(WireState.Updated)
    expect(byR.get(9)).toEqual(await customEndpointHelper('nope', 1, a.statelessProof))
    expect(s.events.map((e) => [e.transport, e.id, e.state, e.bytes, e.batch]).sort()).toEqual(
      [
        ['websocket', a.id, WireState.Success, byR.get(7)!.length, false],
        ['websocket', b.id, WireState.Updated, byR.get(8)!.length, false],
        ['websocket', 'nope', byR.get(9)![0], 1, false],
      ].sort(),
    )
    // the event never carries the proof or the key
    const logged = JSON.stringify(s.events)
    expect(logged).not.toContain(a.statelessProof)
    expect(logged).not.toContain(b.meta.key)
    c.ws.close()
  })

  it('an answer is one message even with permessage-deflate (its two fragments compressed as one)', async () => {
    const s = await serve({}, true)
    const c = await client(s.url)
    expect(c.ws.extensions).toContain('permessage-deflate')
    c.send(ask(3, b, { token: 0 }))
    c.send(ask(4, a))
    await c.answers(2)
    expect(c.binary.find((m) => m.r === 3)!.frame).toEqual(await customEndpointHelper(b.id, 0, b.statelessProof))
    expect(c.binary.find((m) => m.r === 4)!.frame).toEqual(await customEndpointHelper(a.id, a.token, a.statelessProof))
    c.ws.close()
  })

  it('answers in completion order: a slow request does not hold back a fast one', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const s = await serve({
      authorize: async (req) => {
        if (req.id === a.id) await gate // a's authorization waits until b was served
        return { allow: true }
      },
      onServed: (e) => {
        if (e.id === b.id) release()
      },
    })
    const c = await client(s.url)
    c.send(ask(1, a))
    c.send(ask(2, b))
    await c.answers(2)
    expect(c.binary.map((m) => m.r)).toEqual([2, 1])
    expect(c.binary.map((m) => m.frame[0])).toEqual([WireState.Success, WireState.Success])
    c.ws.close()
  })

  it('refuses a forged proof and a proof of another scope (the connection scope), as over HTTP', async () => {
    const scoped = (await getImageRecord(a.id, { scope: 'user-1' }))!
    const other = (await getImageRecord(a.id, { scope: 'user-2' }))!
    const s = await serve({ authorizeConnection: () => ({ allow: true, scope: 'user-1' }) })
    const c = await client(s.url)
    c.send(ask(1, scoped))
    c.send(ask(2, other))
    c.send(ask(3, scoped, { proof: `${scoped.statelessProof.slice(0, -2)}AA` }))
    c.send(ask(4, a)) // unscoped proof on a scoped connection
    c.send({ r: 5, id: a.id, token: a.token })
    await c.answers(5)
    const state = (r: number) => c.binary.find((m) => m.r === r)!.frame[0]
    expect(state(1)).toBe(WireState.Success)
    expect(state(2)).toBe(WireState.InvalidProof)
    expect(state(3)).toBe(WireState.InvalidProof)
    expect(state(4)).toBe(WireState.InvalidProof)
    expect(state(5)).toBe(WireState.MissingProof)
    c.ws.close()
  })

  it('passes the variant, the app field and the connection context to authorize, and the variant to the event', async () => {
    const seen: unknown[] = []
    const s = await serve({
      authorizeConnection: (req) => ({ allow: true, context: { user: req.headers['x-user'] } }),
      authorize: (req) => (seen.push({ variant: req.variant, app: req.app, context: req.context, hasUpgrade: typeof req.upgrade.headers === 'object' }), { allow: true }),
    })
    const ws = new WebSocket(s.url, { headers: { 'x-user': 'ann' } })
    await new Promise((r) => ws.once('open', r))
    const got = new Promise<Buffer>((r) => ws.once('message', r))
    ws.send(JSON.stringify(ask(1, a, { variant: 'thumb', app: { playerId: 42 } })))
    await got
    expect(seen).toEqual([{ variant: 'thumb', app: { playerId: 42 }, context: { user: 'ann' }, hasUpgrade: true }])
    expect(s.events[0]!.variant).toBe('thumb')
    ws.close()
  })

  it.each([
    [{ allow: false, status: 401, reason: 'sign in first' }, WsCloseCode.Unauthorized, 'sign in first'],
    [{ allow: false, status: 403 }, WsCloseCode.Forbidden, 'forbidden'],
    [{ allow: false, status: 500 }, WsCloseCode.Internal, 'internal error'],
    ['yes', WsCloseCode.Internal, 'internal error'],
  ])('a connection decision %j closes with %i before anything is served', async (decision, code, reason) => {
    const s = await serve({ authorizeConnection: async () => decision as never })
    const c = await client(s.url)
    c.send(ask(1, a)) // sent before the decision: never served
    expect(await c.closed).toEqual({ code, reason })
    expect(c.binary).toEqual([])
    expect(s.events).toEqual([])
  })

  it('a throwing connection hook closes with 1011 and the server keeps serving', async () => {
    let calls = 0
    const s = await serve({
      authorizeConnection: () => {
        if (++calls === 1) throw new Error('db down')
        return { allow: true }
      },
    })
    const first = await client(s.url)
    expect((await first.closed).code).toBe(WsCloseCode.Internal)
    await expectStillServing(s.url, a)
  })

  it('per request: a denial is a text answer with the status (nothing served), a throw an InternalError frame', async () => {
    const s = await serve({
      authorize: (req) => {
        if (req.id === b.id) return { allow: false, status: 403, reason: 'not your player' }
        if (req.id === 'boom') throw new Error('hook failed')
        return { allow: true }
      },
    })
    const c = await client(s.url)
    c.send(ask(1, b))
    c.send({ r: 2, id: 'boom', token: 1, proof: 'x' })
    c.send(ask(3, a))
    await c.answers(3)
    expect(c.text).toEqual([{ r: 1, error: 'denied', status: 403, reason: 'not your player' }])
    expect(c.binary.find((m) => m.r === 2)!.frame).toEqual(Uint8Array.of(WireState.InternalError))
    expect(c.binary.find((m) => m.r === 3)!.frame[0]).toBe(WireState.Success)
    // A refusal's bytes are those of its text answer, as over HTTP.
    expect(s.events.find((e) => e.id === b.id)).toMatchObject({ state: -1, status: 403, bytes: Buffer.byteLength(JSON.stringify(c.text[0])) })
    c.ws.close()
  })

  it('serves a variant by name (sealed with the variant\'s own key), and an unknown name is NotFound', async () => {
    const thumb = a.variants!.thumb!.meta
    const s = await serve()
    const c = await client(s.url)
    c.send(ask(1, a))
    c.send(ask(2, a, { variant: 'thumb' }))
    c.send(ask(3, a, { variant: 'huge' }))
    await c.answers(3)
    const frame = (r: number) => c.binary.find((m) => m.r === r)!.frame
    const opened = async (r: number, meta: { key: string; iv: string; tag: string }) => {
      const d = decodeWirePayload(frame(r))
      expect(d.state).toBe(WireState.Success)
      if (d.state !== WireState.Success) throw new Error('not Success')
      return new Uint8Array(await openImage(d.ciphertext, base64ToBytes(meta.key)!, base64ToBytes(meta.iv)!, base64ToBytes(meta.tag)!))
    }
    const original = await opened(1, a.meta)
    const variant = await opened(2, thumb) // GCM: fails unless sealed with the variant's key/iv/tag
    expect(variant).not.toEqual(original)
    const size = await sharp(variant.subarray(1)).metadata()
    expect(Math.max(size.width!, size.height!)).toBe(6)
    expect(frame(3)).toEqual(Uint8Array.of(WireState.NotFound))
    expect(s.events.filter((e) => e.variant !== undefined).map((e) => [e.variant, e.state]).sort()).toEqual([
      ['huge', WireState.NotFound],
      ['thumb', WireState.Success],
    ])
    c.ws.close()
  })

  it('a request scope from authorize is the scope the proof must carry', async () => {
    const scoped = (await getImageRecord(a.id, { scope: 'user-9' }))!
    const s = await serve({ authorize: (req) => ({ allow: true, scope: (req.app as { user: string }).user }) })
    const c = await client(s.url)
    c.send(ask(1, scoped, { app: { user: 'user-9' } }))
    c.send(ask(2, scoped, { app: { user: 'user-8' } }))
    await c.answers(2)
    expect(c.binary.find((m) => m.r === 1)!.frame[0]).toBe(WireState.Success)
    expect(c.binary.find((m) => m.r === 2)!.frame[0]).toBe(WireState.InvalidProof)
    c.ws.close()
  })

  it.each([
    ['not JSON', 'hello', WsCloseCode.Malformed],
    ['a JSON array', '[1,2]', WsCloseCode.Malformed],
    ['no request id', '{"id":"x","proof":"p"}', WsCloseCode.Malformed],
    ['a negative request id', '{"r":-1,"id":"x"}', WsCloseCode.Malformed],
    ['a request id over u32', '{"r":4294967296,"id":"x"}', WsCloseCode.Malformed],
    ['a binary message', Buffer.from('{"r":1}'), WsCloseCode.Unsupported],
    ['an oversized message', JSON.stringify({ r: 1, id: 'x'.repeat(5000) }), WsCloseCode.TooBig],
  ])('%s closes the connection with its code, and the server keeps serving', async (_name, message, code) => {
    const s = await serve()
    const c = await client(s.url)
    c.ws.send(message)
    expect((await c.closed).code).toBe(code)
    await expectStillServing(s.url, a)
  })

  it('a request id already in flight closes with 1008', async () => {
    const s = await serve({ authorize: () => new Promise(() => {}) }) // never decides: both stay in flight
    const c = await client(s.url)
    c.send(ask(5, a))
    c.send(ask(5, b))
    expect((await c.closed).code).toBe(WsCloseCode.Policy)
  })

  it('fields of the wrong type are answered with a wire state, not a close', async () => {
    const s = await serve()
    const c = await client(s.url)
    c.send({ r: 1, id: 5, token: 'x', proof: a.statelessProof })
    c.send({ r: 2, id: a.id, token: {}, proof: ['p'] })
    c.send({ r: 3, id: null, proof: 'p' })
    await c.answers(3)
    const state = (r: number) => c.binary.find((m) => m.r === r)!.frame[0]
    expect(state(1)).toBe(WireState.InvalidProof)
    expect([WireState.InvalidProof, WireState.MissingProof]).toContain(state(2))
    expect(state(3)).toBe(WireState.MissingID)
    c.ws.close()
  })

  it('a throwing onServed is swallowed and reported once, without its message', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const s = await serve({
        onServed: () => {
          throw new Error(`secret ${a.statelessProof}`)
        },
      })
      const c = await client(s.url)
      c.send(ask(1, a))
      c.send(ask(2, b))
      await c.answers(2)
      await new Promise((r) => setImmediate(r))
      expect(c.binary.map((m) => m.frame[0])).toEqual([WireState.Success, WireState.Success])
      expect(warn).toHaveBeenCalledTimes(1)
      expect(String(warn.mock.calls[0]![0])).not.toContain(a.statelessProof)
      c.ws.close()
    } finally {
      warn.mockRestore()
    }
  })

  it('rejects unknown and invalid options with CONFIG_INVALID', () => {
    const wss = { on() {} } as unknown as WebSocketServer
    expect(() => serveImagesOverWebSocket(wss, { maxInflight: 3 } as never)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }))
    expect(() => serveImagesOverWebSocket(wss, { maxInFlight: 0 })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }))
    expect(() => serveImagesOverWebSocket(wss, { authorize: 'yes' } as never)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }))
  })
})

// A client that sends many requests and never reads: a raw TCP socket doing the handshake itself,
// then paused, so nothing it is sent leaves the kernel buffers.
async function stalledClient(port: number, requests: string[]): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1')
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
  const key = randomBytes(16).toString('base64')
  socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`)
  await new Promise<void>((resolve) => {
    let head = ''
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1')
      if (head.includes('\r\n\r\n')) {
        socket.off('data', onData)
        socket.pause()
        resolve()
      }
    }
    socket.on('data', onData)
  })
  for (const text of requests) {
    const payload = Buffer.from(text)
    const mask = randomBytes(4)
    const header = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 255])
    const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!))
    socket.write(Buffer.concat([header, mask, masked]))
  }
  return socket
}

describe('a client that never reads', () => {
  let big: ImageRecord
  let frameBytes: number
  beforeAll(async () => {
    const noise = await sharp({ create: { width: 700, height: 700, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
      .png()
      .toBuffer()
    big = (await saveImage(new Uint8Array(noise)))!
    frameBytes = (await customEndpointHelper(big.id, big.token, big.statelessProof)).length
  })

  // Sends 200 requests for a ~1.4 MB image (~280 MB of answers), never reads, then watches the
  // server's unsent bytes for this connection for a while. Returns the most it held and how many
  // answers were fully written out. (RSS barely moves either way: every answer shares the one cached
  // ciphertext; unsent bytes are what a server with many different images would pay for.)
  async function stall(options: WebSocketServeOptions) {
    const s = await serve(options)
    const port = Number(new URL(s.url).port)
    const requests = Array.from({ length: 200 }, (_, i) => JSON.stringify(ask(i + 1, big)))
    const rssBefore = process.memoryUsage().rss
    const socket = await stalledClient(port, requests)
    let maxBuffered = 0
    let maxRss = 0
    for (let i = 0; i < 40; i++) {
      await new Promise((r) => setTimeout(r, 25))
      for (const c of s.wss.clients) maxBuffered = Math.max(maxBuffered, c.bufferedAmount)
      maxRss = Math.max(maxRss, process.memoryUsage().rss)
    }
    const served = s.events.length
    socket.destroy()
    await s.close()
    return { maxBuffered, served, rssGrowth: maxRss - rssBefore }
  }

  it('holds a bounded number of unsent answers (stops serving, stops reading)', async () => {
    const bounded = await stall({ maxInFlight: 2, maxBufferedBytes: 256 * 1024, maxQueued: 16 })
    // At most: the buffer limit, plus the answers in flight when it was crossed.
    expect(bounded.maxBuffered).toBeLessThanOrEqual(256 * 1024 + 2 * frameBytes + 64)
    // The same client without those limits makes the server hold far more: the bound above is the
    // helper's doing, not the client's.
    const unbounded = await stall({ maxInFlight: 1024, maxBufferedBytes: 1024 ** 3, maxQueued: 65_536 })
    expect(unbounded.maxBuffered).toBeGreaterThan(20 * frameBytes)
    console.log(
      `[websocket] stalled reader, ${frameBytes} B frames x 200: bounded held ${bounded.maxBuffered} B unsent (${bounded.served} written out, RSS +${(bounded.rssGrowth / 2 ** 20).toFixed(1)} MiB); ` +
        `unbounded held ${unbounded.maxBuffered} B (${unbounded.served} written out, RSS +${(unbounded.rssGrowth / 2 ** 20).toFixed(1)} MiB)`,
    )
  })

  it('serves every request once the client reads again', async () => {
    const s = await serve({ maxInFlight: 2, maxBufferedBytes: 256 * 1024, maxQueued: 8 })
    const c = await client(s.url)
    const raw = (c.ws as unknown as { _socket: net.Socket })._socket
    raw.pause() // stop reading at the TCP level
    for (let r = 1; r <= 40; r++) c.send(ask(r, big))
    await new Promise((r) => setTimeout(r, 300))
    expect(c.binary.length).toBe(0)
    raw.resume()
    await c.answers(40)
    expect(c.binary.map((m) => m.r).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
    expect(new Set(c.binary.map((m) => m.frame.length))).toEqual(new Set([frameBytes]))
    c.ws.close()
  })
})
