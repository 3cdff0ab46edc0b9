// The Express middleware, the fetch handler under Hono, and the "own auth, then the helper" shape,
// each on a real server on loopback.
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import express from 'express'
import { Hono } from 'hono'
import { serve } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pixstoreExpress } from '../../../src/backend/adapters/express.js'
import { createPixstoreFetchHandler } from '../../../src/backend/adapters/fetch.js'
import { customEndpointHelper, getImageRecord, saveImage, type ImageRecord } from '../../../src/backend/index.js'
import { WireState } from '../../../src/types/index.js'
import { browserDecrypt, makeTempDir, removeDir, startBackend, stopBackend } from '../../helpers/backend-fixture.js'
import { generateImage } from '../../helpers/sample-images.js'

let dir: string
let record: ImageRecord
const image = generateImage('jpg', { width: 24, height: 16, seed: 7 })
const servers: { close(cb?: () => void): unknown }[] = []

function listen(server: Server): Promise<string> {
  servers.push(server)
  return new Promise((resolve) => server.once('listening', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)))
}

beforeAll(async () => {
  dir = await makeTempDir('adapters')
  // The built-in endpoint also runs: the helper and adapters must work regardless.
  await startBackend(dir)
  record = (await saveImage(image))!
})
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))))
  await stopBackend()
  await removeDir(dir)
})

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; bytes: Uint8Array }> {
  const res = await fetch(url, { headers })
  return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()) }
}

describe('express', () => {
  let base: string
  beforeAll(async () => {
    const app = express()
    app.use('/pixstore-image', pixstoreExpress())
    // The seed's example shape: the route checks its own auth, then calls the helper with a scope.
    app.get('/api/avatar/:id', async (req, res) => {
      const user = req.get('authorization')?.replace(/^Bearer /, '')
      if (user !== 'alice' && user !== 'bob') {
        res.status(401).json({ error: 'login required' })
        return
      }
      const payload = await customEndpointHelper(req.params.id, req.get('x-pixstore-token'), req.get('x-pixstore-proof'), { scope: user })
      res.type('application/octet-stream').send(Buffer.from(payload))
    })
    app.get('/scoped/:id', (req, _res, next) => ((req as any).user = req.get('authorization'), next()), pixstoreExpress({ scope: (req) => req.user }))
    base = await listen(app.listen(0, '127.0.0.1'))
  })

  it('mounted middleware serves Updated then Success, decryptable', async () => {
    const first = await get(`${base}/pixstore-image/${record.id}`, { 'x-pixstore-proof': record.statelessProof })
    expect(first.status).toBe(200)
    expect(Buffer.from((await browserDecrypt(first.bytes, record)).image).equals(Buffer.from(image))).toBe(true)
    const second = await get(`${base}/pixstore-image/${record.id}?token=${record.token}`, { 'x-pixstore-proof': record.statelessProof })
    expect(second.bytes[0]).toBe(WireState.Success)
    expect((await get(`${base}/pixstore-image/${record.id}`)).bytes).toEqual(Uint8Array.of(WireState.MissingProof))
  })

  it('own auth first, then customEndpointHelper with the user as scope', async () => {
    const forAlice = (await getImageRecord(record.id, { scope: 'alice' }))!
    expect((await get(`${base}/api/avatar/${record.id}`, { 'x-pixstore-proof': forAlice.statelessProof })).status).toBe(401)
    const ok = await get(`${base}/api/avatar/${record.id}`, { authorization: 'Bearer alice', 'x-pixstore-proof': forAlice.statelessProof })
    expect(Buffer.from((await browserDecrypt(ok.bytes, forAlice)).image).equals(Buffer.from(image))).toBe(true)
    // Bob replaying Alice's proof is refused.
    const bob = await get(`${base}/api/avatar/${record.id}`, { authorization: 'Bearer bob', 'x-pixstore-proof': forAlice.statelessProof })
    expect(bob.bytes).toEqual(Uint8Array.of(WireState.InvalidProof))
  })

  it('route with :id and a scope function', async () => {
    const forBob = (await getImageRecord(record.id, { scope: 'bob' }))!
    const ok = await get(`${base}/scoped/${record.id}`, { authorization: 'bob', 'x-pixstore-proof': forBob.statelessProof, 'x-pixstore-token': String(record.token) })
    expect(ok.bytes[0]).toBe(WireState.Success)
    const wrong = await get(`${base}/scoped/${record.id}`, { authorization: 'alice', 'x-pixstore-proof': forBob.statelessProof })
    expect(wrong.bytes).toEqual(Uint8Array.of(WireState.InvalidProof))
  })
})

describe('fetch handler under hono', () => {
  let base: string
  beforeAll(async () => {
    const app = new Hono()
    const pixstore = createPixstoreFetchHandler({ accessControlAllowOrigin: 'https://app.example' })
    app.all('/pixstore-image/*', (c) => pixstore(c.req.raw))
    app.all('/pixstore-image', (c) => pixstore(c.req.raw))
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as unknown as Server
    base = await listen(server)
  })

  it('serves decryptable frames and every state', async () => {
    const first = await get(`${base}/pixstore-image/${encodeURIComponent(record.id)}`, { 'x-pixstore-proof': record.statelessProof })
    expect(first.status).toBe(200)
    expect(Buffer.from((await browserDecrypt(first.bytes, record)).image).equals(Buffer.from(image))).toBe(true)
    const ok = await get(`${base}/pixstore-image/${record.id}`, { 'x-pixstore-proof': record.statelessProof, 'x-pixstore-token': String(record.token) })
    expect(ok.bytes[0]).toBe(WireState.Success)
    expect((await get(`${base}/pixstore-image/${record.id}`)).bytes).toEqual(Uint8Array.of(WireState.MissingProof))
    expect((await get(`${base}/pixstore-image`)).bytes).toEqual(Uint8Array.of(WireState.MissingID))
    expect((await get(`${base}/pixstore-image/%E0%A4%A`, { 'x-pixstore-proof': 'x' })).bytes).toEqual(Uint8Array.of(WireState.InvalidProof))
    const post = await fetch(`${base}/pixstore-image/${record.id}`, { method: 'POST' })
    expect(post.status).toBe(405)
    const pre = await fetch(`${base}/pixstore-image/${record.id}`, { method: 'OPTIONS' })
    expect(pre.status).toBe(204)
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example')
  })
})
