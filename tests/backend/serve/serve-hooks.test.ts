// The authorize and onServed hooks (#13) on the built-in endpoint (backend config), the Express
// middleware and the fetch handler (options), each on a real server: deny → 401/403 with no image and
// no storage read, allow → the decision's scope is the proof scope, once per request (a batch is
// one), one event per served image (never a proof, key or scope), and hooks that throw never take
// the server down.
import type { AddressInfo } from 'node:net'
import type { IncomingMessage, Server } from 'node:http'
import express from 'express'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { decodeBatch, decodeWirePayload } from '../../../src/codec/index.js'
import { batchDirectoryLength } from '../../../src/codec/wire-checks.js'
import { pixstoreExpress } from '../../../src/backend/adapters/express.js'
import { createPixstoreFetchHandler } from '../../../src/backend/adapters/fetch.js'
import { readyState } from '../../../src/backend/backend-state.js'
import { resolveBackendConfig } from '../../../src/backend/config/backend-config.js'
import { getImageRecord, saveImage, type ImageRecord } from '../../../src/backend/index.js'
import type { AuthorizeDecision, ServedEvent } from '../../../src/backend/serve/serve-hooks.js'
import { PixstoreError } from '../../../src/shared/errors.js'
import { WireState } from '../../../src/types/index.js'
import { makeTempDir, removeDir, startBackend, stopBackend } from '../../helpers/backend-fixture.js'
import { generateImage } from '../../helpers/sample-images.js'

type TransportName = ServedEvent['transport']

let dir: string
let record: ImageRecord
let forAlice: ImageRecord
const servers: Server[] = []
const events: Record<TransportName, ServedEvent[]> = { endpoint: [], express: [], fetch: [], websocket: [] }
const authorizeCalls: Record<TransportName, number> = { endpoint: 0, express: 0, fetch: 0, websocket: 0 }
let storageReads = 0
/** What the hooks do in the current test; the transports' hooks all defer to these. */
let policy: (user: string | null) => AuthorizeDecision | Promise<AuthorizeDecision>
let servedHook: (event: ServedEvent) => unknown

// The application's policy: no user → 401, guest → 403, else served with the user as scope.
const defaultPolicy = (user: string | null): AuthorizeDecision => {
  if (!user) return { allow: false, status: 401 }
  if (user === 'guest') return { allow: false, status: 403, reason: 'players only' }
  return { allow: true, scope: user }
}

function hooksFor<R>(transport: TransportName, userOf: (request: R) => string | null) {
  return {
    authorize: (request: R) => (authorizeCalls[transport]++, policy(userOf(request))),
    onServed: (event: ServedEvent) => (events[transport].push(event), servedHook(event)),
  }
}
const nodeUser = (req: IncomingMessage) => (typeof req.headers['x-user'] === 'string' ? req.headers['x-user'] : null)
const fetchUser = (request: Request) => request.headers.get('x-user')

function listen(server: Server): Promise<string> {
  servers.push(server)
  return new Promise((resolve) => server.once('listening', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)))
}

const routes: Record<Exclude<TransportName, 'websocket'>, string> = { endpoint: '', express: '', fetch: '' }

beforeAll(async () => {
  dir = await makeTempDir('serve-hooks')
  routes.endpoint = await startBackend(dir, { variants: { thumb: { width: 4, height: 4 } }, ...hooksFor('endpoint', nodeUser) })
  record = (await saveImage(generateImage('png', { width: 12, height: 12, seed: 5 })))!
  forAlice = (await getImageRecord(record.id, { scope: 'alice' }))!
  const state = await readyState()
  // Every storage read the serving path can make is counted: a denied request must make none.
  for (const method of ['getHead', 'get', 'getVariant'] as const) {
    const original = state.storage[method].bind(state.storage) as (...args: unknown[]) => Promise<unknown>
    ;(state.storage as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => (storageReads++, original(...args))
  }
  const app = express()
  app.use('/px', pixstoreExpress(hooksFor('express', nodeUser)))
  routes.express = `${await listen(app.listen(0, '127.0.0.1'))}/px`
  const pixstore = createPixstoreFetchHandler(hooksFor('fetch', fetchUser))
  const hono = new Hono()
  hono.get('/pixstore-image/*', (c) => pixstore(c.req.raw))
  hono.post('/pixstore-image', (c) => pixstore(c.req.raw))
  routes.fetch = `${await listen(serve({ fetch: hono.fetch, port: 0, hostname: '127.0.0.1' }) as Server)}/pixstore-image`
})
afterEach(() => vi.restoreAllMocks())
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))))
  await stopBackend()
  await removeDir(dir)
})

/** Every test starts from the default policy, with no events and counters at 0. */
function reset(): void {
  policy = defaultPolicy
  servedHook = () => {}
  storageReads = 0
  for (const k of Object.keys(events) as TransportName[]) (events[k].length = 0), (authorizeCalls[k] = 0)
}

async function get(url: string, headers: Record<string, string>): Promise<{ status: number; bytes: Uint8Array; text: string }> {
  const res = await fetch(url, { headers })
  const bytes = new Uint8Array(await res.arrayBuffer())
  return { status: res.status, bytes, text: Buffer.from(bytes).toString('utf8') }
}

async function post(url: string, items: unknown[], headers: Record<string, string>): Promise<{ status: number; bytes: Uint8Array; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ v: 1, items }) })
  const bytes = new Uint8Array(await res.arrayBuffer())
  return { status: res.status, bytes, text: Buffer.from(bytes).toString('utf8') }
}

/** Events are reported once the response closed server-side, which may follow the client's read. */
async function eventsOf(transport: TransportName, count: number): Promise<ServedEvent[]> {
  await vi.waitFor(() => expect(events[transport].length).toBeGreaterThanOrEqual(count))
  expect(events[transport].length).toBe(count)
  return events[transport]
}

const EVENT_KEYS = new Set(['transport', 'id', 'variant', 'state', 'status', 'bytes', 'durationMs', 'batch'])

/** Nothing secret in an event: only its documented keys, no proof, no key, no scope. */
function expectClean(event: ServedEvent): void {
  for (const key of Object.keys(event)) expect(EVENT_KEYS.has(key)).toBe(true)
  const text = JSON.stringify(event)
  for (const secret of [record.statelessProof, forAlice.statelessProof, record.meta.key, 'alice']) expect(text).not.toContain(secret)
}

describe.each(['endpoint', 'express', 'fetch'] as const)('%s', (transport) => {
  const url = () => `${routes[transport]}/${encodeURIComponent(record.id)}`

  it('denies with 401 / 403 (the reason as text), serving nothing and reading no storage', async () => {
    reset()
    const anonymous = await get(url(), { 'x-pixstore-proof': forAlice.statelessProof })
    expect(anonymous.status).toBe(401)
    expect(anonymous.text).toBe('Unauthorized')
    const guest = await get(`${url()}?variant=thumb`, { 'x-pixstore-proof': forAlice.statelessProof, 'x-user': 'guest' })
    expect(guest.status).toBe(403)
    expect(guest.text).toBe('players only')
    const batch = await post(routes[transport], [{ id: record.id, proof: forAlice.statelessProof }], { 'x-user': 'guest' })
    expect(batch.status).toBe(403)
    expect(storageReads).toBe(0)
    const seen = await eventsOf(transport, 3)
    expect(seen.map((e) => [e.id, e.variant, e.state, e.status, e.batch])).toEqual([
      [record.id, undefined, -1, 401, false],
      [record.id, 'thumb', -1, 403, false],
      ['', undefined, -1, 403, true],
    ])
    seen.forEach(expectClean)
  })

  it("allows with the decision's scope: the user's proof is served, an unscoped one is refused", async () => {
    reset()
    const ok = await get(url(), { 'x-pixstore-proof': forAlice.statelessProof, 'x-user': 'alice' })
    expect(ok.status).toBe(200)
    expect(ok.bytes[0]).toBe(WireState.Updated)
    const unscoped = await get(url(), { 'x-pixstore-proof': record.statelessProof, 'x-user': 'alice' })
    expect(unscoped.bytes).toEqual(Uint8Array.of(WireState.InvalidProof))
    const bob = await get(url(), { 'x-pixstore-proof': forAlice.statelessProof, 'x-user': 'bob' })
    expect(bob.bytes).toEqual(Uint8Array.of(WireState.InvalidProof))
    // An allow without a scope: the unscoped proof is the one that works.
    policy = () => ({ allow: true })
    expect((await get(url(), { 'x-pixstore-proof': record.statelessProof }))).toMatchObject({ status: 200, bytes: expect.objectContaining({ 0: WireState.Updated }) })
    const seen = await eventsOf(transport, 4)
    expect(seen.map((e) => e.state)).toEqual([WireState.Updated, WireState.InvalidProof, WireState.InvalidProof, WireState.Updated])
    expect(seen[0]!.bytes).toBe(ok.bytes.length)
    expect(seen[1]!.bytes).toBe(1)
    for (const e of seen) expect(e).toMatchObject({ transport, id: record.id, batch: false })
    for (const e of seen) expect(e.durationMs).toBeGreaterThanOrEqual(0)
    seen.forEach(expectClean)
  })

  it('asks authorize once per batch request and reports one event per item', async () => {
    reset()
    const items = [
      { id: record.id, proof: forAlice.statelessProof, variant: 'thumb' },
      { id: record.id, proof: forAlice.statelessProof, token: record.token },
      { id: 'no:such', proof: forAlice.statelessProof },
    ]
    const res = await post(routes[transport], items, { 'x-user': 'alice' })
    expect(res.status).toBe(200)
    const frames = decodeBatch(res.bytes, 3)
    expect(frames.map((f) => f.state)).toEqual([WireState.Updated, WireState.Success, WireState.InvalidProof])
    expect(authorizeCalls[transport]).toBe(1)
    const seen = await eventsOf(transport, 3)
    expect(seen.map((e) => [e.id, e.variant, e.state, e.batch])).toEqual([
      [record.id, 'thumb', WireState.Updated, true],
      [record.id, undefined, WireState.Success, true],
      ['no:such', undefined, WireState.InvalidProof, true],
    ])
    // Each event's bytes are its own frame's: with the 3-item directory, they add up to the container.
    expect(seen.reduce((n, e) => n + e.bytes, 0)).toBe(res.bytes.length - batchDirectoryLength(3))
    seen.forEach(expectClean)
  })

  it('a throwing, rejecting or malformed authorize answers 500; the server keeps serving; warned once', async () => {
    reset()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const failing: (() => AuthorizeDecision | Promise<AuthorizeDecision>)[] = [
      () => {
        throw new Error(`auth down for ${forAlice.statelessProof}`)
      },
      () => Promise.reject(new Error('auth down')),
      () => ({ allow: 'yes' }) as never,
      () => ({ allow: false, status: 404 }) as never,
      () => null as never,
    ]
    for (const f of failing) {
      policy = f
      expect((await get(url(), { 'x-pixstore-proof': forAlice.statelessProof, 'x-user': 'alice' })).status).toBe(500)
      expect((await post(routes[transport], [{ id: record.id, proof: forAlice.statelessProof }], { 'x-user': 'alice' })).status).toBe(500)
    }
    expect(storageReads).toBe(0)
    policy = defaultPolicy
    expect((await get(url(), { 'x-pixstore-proof': forAlice.statelessProof, 'x-user': 'alice' })).bytes[0]).toBe(WireState.Updated)
    expect(warn).toHaveBeenCalledTimes(1)
    // The warning names the hook and the error's class, never its message (here holding a proof the app put there).
    expect(String(warn.mock.calls[0]![0])).toContain('authorize')
    expect(String(warn.mock.calls[0]![0])).not.toContain(forAlice.statelessProof)
    const seen = await eventsOf(transport, failing.length * 2 + 1)
    expect(seen.slice(0, -1).every((e) => e.state === -1 && e.status === 500)).toBe(true)
  })

  it('a throwing or rejecting onServed is swallowed: answers are unchanged, warned once', async () => {
    reset()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    let calls = 0
    servedHook = () => {
      calls++
      if (calls % 2) throw new Error('metrics down')
      return Promise.reject(new Error('metrics down, async'))
    }
    for (let i = 0; i < 3; i++) {
      expect((await get(url(), { 'x-pixstore-proof': forAlice.statelessProof, 'x-user': 'alice' })).bytes[0]).toBe(WireState.Updated)
    }
    const res = await post(routes[transport], [{ id: record.id, proof: forAlice.statelessProof }, { id: record.id, proof: forAlice.statelessProof }], { 'x-user': 'alice' })
    expect(decodeBatch(res.bytes, 2).map((f) => f.state)).toEqual([WireState.Updated, WireState.Updated])
    await vi.waitFor(() => expect(calls).toBe(5))
    await new Promise((r) => setImmediate(r))
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]![0])).toContain('onServed')
  })
})

describe('options', () => {
  it('authorize and scope together are refused (CONFIG_INVALID); a hook must be a function', () => {
    const both = { authorize: () => ({ allow: true }) as const, scope: () => 'x' }
    for (const create of [() => pixstoreExpress(both), () => createPixstoreFetchHandler(both)]) {
      const e = (() => {
        try {
          create()
        } catch (err) {
          return err
        }
      })()
      expect(e).toBeInstanceOf(PixstoreError)
      expect((e as PixstoreError).code).toBe('CONFIG_INVALID')
    }
    expect(() => pixstoreExpress({ onServed: 'log' as never })).toThrow(/onServed/)
    expect(() => createPixstoreFetchHandler({ authorize: {} as never })).toThrow(/authorize/)
    expect(() => resolveBackendConfig({ authorize: true as never })).toThrow(/authorize/)
    expect(() => resolveBackendConfig({ onServed: 1 as never })).toThrow(/onServed/)
  })

  it('the fetch handler reports an event when its body is consumed, even when called directly', async () => {
    const seen: ServedEvent[] = []
    const handler = createPixstoreFetchHandler({ authorize: () => ({ allow: true, scope: 'alice' }), onServed: (e) => void seen.push(e) })
    const response = await handler(new Request(`http://x/pixstore-image/${encodeURIComponent(record.id)}?variant=thumb`, { headers: { 'x-pixstore-proof': forAlice.statelessProof } }))
    expect(seen).toEqual([])
    const bytes = new Uint8Array(await response.arrayBuffer())
    expect(decodeWirePayload(bytes).state).toBe(WireState.Updated)
    expect(seen).toMatchObject([{ transport: 'fetch', id: record.id, variant: 'thumb', state: WireState.Updated, bytes: bytes.length, batch: false }])
  })
})
