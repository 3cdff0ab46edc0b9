// The batch request through the Express middleware and the fetch handler (under Hono via
// @hono/node-server, and called directly): the same answers as the built-in endpoint's GETs, the
// adapters' own limit options, a body parser that ran first, and a scoped route.
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import express from 'express'
import { Hono } from 'hono'
import { serve } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pixstoreExpress } from '../../../src/backend/adapters/express.js'
import { createPixstoreFetchHandler } from '../../../src/backend/adapters/fetch.js'
import { getImageRecord, saveImage, type ImageRecord } from '../../../src/backend/index.js'
import { PixstoreError } from '../../../src/shared/errors.js'
import { WireState } from '../../../src/types/index.js'
import { makeTempDir, removeDir, startBackend, stopBackend } from '../../helpers/backend-fixture.js'
import { generateImage } from '../../helpers/sample-images.js'
import { getAsSingle, makeMixedBatch, postBatch, splitContainer, type MixedBatch } from '../serve/batch-wire.js'

const ORIGIN = 'https://app.example'
let dir: string
let endpointUrl: string
let mixed: MixedBatch
let record: ImageRecord
const servers: { close(cb?: () => void): unknown }[] = []

function listen(server: Server): Promise<string> {
  servers.push(server)
  return new Promise((resolve) => server.once('listening', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)))
}

beforeAll(async () => {
  dir = await makeTempDir('batch-adapters')
  endpointUrl = await startBackend(dir)
  mixed = await makeMixedBatch()
  record = (await saveImage(generateImage('webp', { width: 12, height: 12, seed: 5 })))!
})
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))))
  await stopBackend()
  await removeDir(dir)
})

/** Checks a mixed batch through `routeUrl` against the built-in endpoint's GETs, item by item. */
async function expectMixedBatch(routeUrl: string): Promise<void> {
  const res = await postBatch(routeUrl, { v: 1, items: mixed.items })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toBe('application/octet-stream')
  const frames = splitContainer(res.bytes)
  expect(frames.map((f) => f[0])).toEqual(mixed.states)
  for (let i = 0; i < frames.length; i++) {
    expect(Buffer.from(frames[i]!).equals(Buffer.from(await getAsSingle(endpointUrl, mixed.items[i]!))), `item ${i}`).toBe(true)
  }
}

const item = () => mixed.items[0]!

describe('express', () => {
  let base: string
  beforeAll(async () => {
    const app = express()
    app.use('/pixstore-image', pixstoreExpress({ accessControlAllowOrigin: ORIGIN, maxBatchItems: 10, maxBatchRequestBytes: 4096 }))
    app.use('/parsed', express.json(), pixstoreExpress())
    const auth = (req: any, _res: unknown, next: () => void) => ((req.user = req.get('authorization')), next())
    const scoped = pixstoreExpress({ scope: (req) => req.user })
    app.get('/scoped/:id', auth, scoped)
    app.post('/scoped', auth, scoped)
    base = await listen(app.listen(0, '127.0.0.1'))
  })

  it('mounted: a mixed batch equals the GETs, with CORS', async () => {
    await expectMixedBatch(`${base}/pixstore-image`)
    const res = await postBatch(`${base}/pixstore-image`, { v: 1, items: [item()] })
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN)
  })

  it('its own limits and types: 413 items, 413 bytes, 400, 415; POST on an id is 405', async () => {
    expect((await postBatch(`${base}/pixstore-image`, { v: 1, items: Array(11).fill(item()) })).status).toBe(413)
    const padded = { v: 1, items: [{ ...item(), id: item().id + ' '.repeat(5000) }] }
    expect((await postBatch(`${base}/pixstore-image`, padded)).status).toBe(413)
    expect((await postBatch(`${base}/pixstore-image`, 'nope')).status).toBe(400)
    expect((await postBatch(`${base}/pixstore-image`, { v: 1, items: [item()] }, { 'content-type': 'text/plain' })).status).toBe(415)
    expect((await postBatch(`${base}/pixstore-image/${item().id}`, { v: 1, items: [item()] })).status).toBe(405)
  })

  it('takes a body express.json() already parsed', async () => {
    await expectMixedBatch(`${base}/parsed`)
    expect((await postBatch(`${base}/parsed`, { v: 1, items: [] })).status).toBe(400)
  })

  it('a scoped route without :id answers batches under the scope', async () => {
    const forBob = (await getImageRecord(record.id, { scope: 'bob' }))!
    const items = [{ id: record.id, token: record.token, proof: forBob.statelessProof }]
    const ok = await postBatch(`${base}/scoped`, { v: 1, items }, { 'content-type': 'application/json', authorization: 'bob' })
    expect(splitContainer(ok.bytes)[0]![0]).toBe(WireState.Success)
    const wrong = await postBatch(`${base}/scoped`, { v: 1, items }, { 'content-type': 'application/json', authorization: 'alice' })
    expect(splitContainer(wrong.bytes)[0]).toEqual(Uint8Array.of(WireState.InvalidProof))
  })

  it('refuses limit options out of range', () => {
    expect(() => pixstoreExpress({ maxBatchItems: 257 })).toThrow(PixstoreError)
    expect(() => pixstoreExpress({ maxBatchRequestBytes: 0 })).toThrow(PixstoreError)
  })
})

describe('fetch handler', () => {
  let base: string
  beforeAll(async () => {
    const app = new Hono()
    const pixstore = createPixstoreFetchHandler({ accessControlAllowOrigin: ORIGIN, maxBatchItems: 10, maxBatchRequestBytes: 4096 })
    app.all('/pixstore-image/*', (c) => pixstore(c.req.raw))
    app.all('/pixstore-image', (c) => pixstore(c.req.raw))
    base = await listen(serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as unknown as Server)
  })

  it('under hono: a mixed batch equals the GETs; limits, types and preflight', async () => {
    await expectMixedBatch(`${base}/pixstore-image`)
    expect((await postBatch(`${base}/pixstore-image`, { v: 1, items: Array(11).fill(item()) })).status).toBe(413)
    expect((await postBatch(`${base}/pixstore-image`, { v: 1, items: [{ ...item(), id: 'x'.repeat(5000) }] })).status).toBe(413)
    expect((await postBatch(`${base}/pixstore-image`, '{')).status).toBe(400)
    expect((await postBatch(`${base}/pixstore-image`, { v: 1, items: [item()] }, { 'content-type': 'text/plain' })).status).toBe(415)
    const pre = await fetch(`${base}/pixstore-image`, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } })
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST')
    expect(pre.headers.get('access-control-allow-headers')).toContain('content-type')
  })

  it('stops reading a body that never ends at the limit (413)', async () => {
    const handler = createPixstoreFetchHandler({ maxBatchRequestBytes: 4096 })
    let pulled = 0
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1024
        controller.enqueue(new Uint8Array(1024).fill(0x20))
      },
    }, { highWaterMark: 0 })
    const request = new Request('http://x/pixstore-image', { method: 'POST', headers: { 'content-type': 'application/json' }, body: endless, duplex: 'half' } as RequestInit)
    const res = await handler(request)
    expect(res.status).toBe(413)
    expect(pulled).toBeLessThanOrEqual(4096 + 2 * 1024)
    // A declared length above the limit is refused before reading.
    let touched = false
    const declared = new Request('http://x/pixstore-image', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '999999' },
      body: new ReadableStream({ pull: () => void (touched = true) }, { highWaterMark: 0 }),
      duplex: 'half',
    } as RequestInit)
    expect((await handler(declared)).status).toBe(413)
    expect(touched).toBe(false)
  })

  it('streams the container as views of the stored bytes (large frames in 64 KiB pieces)', async () => {
    const handler = createPixstoreFetchHandler()
    const body = JSON.stringify({ v: 1, items: [item(), item()] })
    const res = await handler(new Request('http://x/pixstore-image', { method: 'POST', headers: { 'content-type': 'application/json' }, body }))
    const reader = res.body!.getReader()
    const pieces: Uint8Array[] = []
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      pieces.push(value)
    }
    // Directory, then header + body per item: the two bodies are one buffer.
    expect(pieces[0]![0]).toBe(0xba)
    expect(pieces.length).toBe(5)
    expect(pieces[2]!.buffer).toBe(pieces[4]!.buffer)
    expect(Number(res.headers.get('content-length'))).toBe(pieces.reduce((a, p) => a + p.length, 0))
  })
})
