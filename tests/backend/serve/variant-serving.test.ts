// Serving variants (#12): each variant is one v1 frame (Success with the client's token, else
// Updated with the VARIANT's key/iv/tag), over every transport: built-in endpoint GET and batch,
// Express and fetch GET and batch, customEndpointHelper and its batch helper. An unknown name is
// NotFound (VARIANT_UNKNOWN); the proof is still checked per item and bound to the id; the
// ciphertext cache keeps (id, variant, token) apart.
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import express from 'express'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeBatch, decodeWirePayload } from '../../../src/codec/index.js'
import sharp from 'sharp'
import { openImage } from '../../../src/crypto/aes-gcm.js'
import { pixstoreExpress } from '../../../src/backend/adapters/express.js'
import { createPixstoreFetchHandler } from '../../../src/backend/adapters/fetch.js'
import { readyState } from '../../../src/backend/backend-state.js'
import { customEndpointBatchHelper, customEndpointHelper, saveImage, updateImage, type ImageRecord } from '../../../src/backend/index.js'
import { serveImage } from '../../../src/backend/serve/serve-image.js'
import { WireState, type WirePayload } from '../../../src/types/index.js'
import { base64ToBytes } from '../../../src/crypto/base64.js'
import { makeTempDir, removeDir, startBackend, stopBackend } from '../../helpers/backend-fixture.js'
import { generateImage } from '../../helpers/sample-images.js'

/** A variant's sealing as the record lists it (what a client holding the record decrypts Success with). */
interface SealedVariant {
  key: Uint8Array
  iv: Uint8Array
  tag: Uint8Array
}

// Saved with these presets configured: every saved image gets both, rendered and sealed by the ingest.
const PRESETS = { thumb: { width: 6, height: 6 }, small: { width: 9, height: 9, format: 'png' } } as const
const FORMAT_BYTES = { thumb: 2, small: 1 } // webp, png in the default imageFormats order

let dir: string
let base: string
let record: ImageRecord
let other: ImageRecord
let token: number
let sealed: Record<string, SealedVariant>
const servers: Server[] = []

function listen(server: Server): Promise<string> {
  servers.push(server)
  return new Promise((resolve) => server.once('listening', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)))
}

function sealingOf(r: ImageRecord): Record<string, SealedVariant> {
  const out: Record<string, SealedVariant> = {}
  for (const [name, v] of Object.entries(r.variants ?? {})) out[name] = { key: base64ToBytes(v.meta.key)!, iv: base64ToBytes(v.meta.iv)!, tag: base64ToBytes(v.meta.tag)! }
  return out
}

/** Decrypts one frame as a client holding the variant's record entry would; returns the plaintext. */
async function open(frame: Uint8Array | WirePayload, expected: SealedVariant | undefined): Promise<{ state: number; plaintext: Uint8Array }> {
  const decoded = frame instanceof Uint8Array ? decodeWirePayload(frame) : frame
  if (decoded.state === WireState.Updated) {
    // The frame's key/iv/tag must be the variant's own, or this fails (GCM).
    return { state: decoded.state, plaintext: new Uint8Array(await openImage(decoded.ciphertext, decoded.key, decoded.iv, decoded.tag)) }
  }
  if (decoded.state === WireState.Success) {
    return { state: decoded.state, plaintext: new Uint8Array(await openImage(decoded.ciphertext, expected!.key, expected!.iv, expected!.tag)) }
  }
  return { state: decoded.state, plaintext: new Uint8Array(0) }
}

/** The plaintext is `name`'s rendering: its format byte, an image within its preset's box. */
async function expectVariant(plaintext: Uint8Array, name: keyof typeof PRESETS): Promise<void> {
  expect(plaintext[0]).toBe(FORMAT_BYTES[name])
  const meta = await sharp(plaintext.subarray(1)).metadata()
  expect(meta.format).toBe(name === 'thumb' ? 'webp' : 'png')
  expect(Math.max(meta.width!, meta.height!)).toBe(PRESETS[name].width)
}

beforeAll(async () => {
  dir = await makeTempDir('variant-serving')
  // Ciphertext cache on (the default): its (id, variant, token) keys matter here.
  base = await startBackend(dir, { variants: PRESETS })
  record = (await saveImage(generateImage('png', { width: 24, height: 16, seed: 11 })))!
  other = (await saveImage(generateImage('png', { width: 10, height: 10, seed: 12 })))!
  token = record.token
  sealed = sealingOf(record)
  expect(Object.keys(sealed).sort()).toEqual(['small', 'thumb'])
})
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))))
  await stopBackend()
  await removeDir(dir)
})

async function getBytes(url: string, headers: Record<string, string>): Promise<Uint8Array> {
  const res = await fetch(url, { headers })
  expect(res.status).toBe(200)
  return new Uint8Array(await res.arrayBuffer())
}

async function postBatch(url: string, items: unknown[]): Promise<WirePayload[]> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ v: 1, items }) })
  expect(res.status).toBe(200)
  return decodeBatch(new Uint8Array(await res.arrayBuffer()), items.length)
}

type Transport = {
  name: string
  /** GET of one image; `variant` undefined = the original. */
  get(id: string, proof: string, clientToken?: number, variant?: string): Promise<Uint8Array>
  batch(items: { id: string; proof: string; token?: number; variant?: string | null }[]): Promise<WirePayload[]>
}

function httpTransport(name: string, route: () => string): Transport {
  return {
    name,
    get: (id, proof, clientToken, variant) => {
      const q = new URLSearchParams()
      if (clientToken !== undefined) q.set('token', String(clientToken))
      if (variant !== undefined) q.set('variant', variant)
      return getBytes(`${route()}/${encodeURIComponent(id)}${q.size ? `?${q}` : ''}`, { 'x-pixstore-proof': proof })
    },
    batch: (items) => postBatch(route(), items.map((i) => ({ id: i.id, proof: i.proof, token: i.token ?? null, ...(i.variant !== undefined ? { variant: i.variant } : {}) }))),
  }
}

let expressBase = ''
let honoBase = ''
const transports: Transport[] = [
  httpTransport('built-in endpoint', () => base),
  httpTransport('express', () => `${expressBase}/px`),
  httpTransport('fetch (hono)', () => `${honoBase}/pixstore-image`),
  {
    name: 'customEndpointHelper',
    get: (id, proof, clientToken, variant) => customEndpointHelper(id, clientToken, proof, { variant }),
    batch: async (items) => {
      const container = (await customEndpointBatchHelper(items.map((i) => ({ imageId: i.id, clientToken: i.token, statelessProof: i.proof, variant: i.variant }))))!
      return decodeBatch(container, items.length)
    },
  },
]

beforeAll(async () => {
  const app = express()
  app.use('/px', pixstoreExpress())
  expressBase = await listen(app.listen(0, '127.0.0.1'))
  const pixstore = createPixstoreFetchHandler()
  const hono = new Hono()
  hono.get('/pixstore-image/*', (c) => pixstore(c.req.raw))
  hono.post('/pixstore-image', (c) => pixstore(c.req.raw))
  honoBase = await listen(serve({ fetch: hono.fetch, port: 0, hostname: '127.0.0.1' }) as Server)
})

describe.each(transports)('$name', (t) => {
  it('serves each variant as one frame: Updated with its own key without a token, Success with the token', async () => {
    for (const name of ['thumb', 'small'] as const) {
      const updated = await open(await t.get(record.id, record.statelessProof, undefined, name), undefined)
      expect(updated.state).toBe(WireState.Updated)
      await expectVariant(updated.plaintext, name)
      const stale = decodeWirePayload(await t.get(record.id, record.statelessProof, token - 1, name))
      expect(stale.state === WireState.Updated && stale.token).toBe(token)
      // Success opens under the record's entry for this variant: the variant's ciphertext, not the original's.
      const success = await open(await t.get(record.id, record.statelessProof, token, name), sealed[name])
      expect(success.state).toBe(WireState.Success)
      expect(Buffer.from(success.plaintext).equals(Buffer.from(updated.plaintext))).toBe(true)
    }
  })

  it('the original is still served without a variant (and not confused with one in the cache)', async () => {
    const frame = decodeWirePayload(await t.get(record.id, record.statelessProof, token))
    if (frame.state !== WireState.Success) throw new Error(`state ${frame.state}`)
    const { key, iv, tag } = record.meta
    const plaintext = await openImage(frame.ciphertext, base64ToBytes(key)!, base64ToBytes(iv)!, base64ToBytes(tag)!)
    expect((await sharp(plaintext.subarray(1)).metadata()).width).toBe(24)
  })

  it('an unknown name (absent preset, invalid spelling) is NotFound; the proof is still checked first', async () => {
    for (const name of ['big', 'Thumb', '../thumb', '', 'x'.repeat(40)]) {
      expect(await t.get(record.id, record.statelessProof, token, name)).toEqual(Uint8Array.of(WireState.NotFound))
    }
    // A proof for another id, with a variant this image has: refused, not served.
    expect(await t.get(record.id, other.statelessProof, undefined, 'thumb')).toEqual(Uint8Array.of(WireState.InvalidProof))
    expect(await t.get(record.id, record.statelessProof + 'x', undefined, 'nope')).toEqual(Uint8Array.of(WireState.InvalidProof))
  })

  it('a batch mixes variants and originals, each item with its own proof check and state', async () => {
    const frames = await t.batch([
      { id: record.id, proof: record.statelessProof, variant: 'thumb' },
      { id: record.id, proof: record.statelessProof, token, variant: 'small' },
      { id: record.id, proof: record.statelessProof, token, variant: null },
      { id: record.id, proof: other.statelessProof, variant: 'thumb' },
      { id: record.id, proof: '', variant: 'thumb' },
      { id: record.id, proof: record.statelessProof, variant: 'big' },
      { id: other.id, proof: other.statelessProof, token: other.token, variant: 'thumb' },
    ])
    expect(frames.map((f) => f.state)).toEqual([
      WireState.Updated,
      WireState.Success,
      WireState.Success,
      WireState.InvalidProof,
      WireState.MissingProof,
      WireState.NotFound,
      WireState.Success,
    ])
    await expectVariant((await open(frames[0]!, undefined)).plaintext, 'thumb')
    await expectVariant((await open(frames[1]!, sealed.small)).plaintext, 'small')
    await expectVariant((await open(frames[6]!, sealingOf(other).thumb)).plaintext, 'thumb')
  })
})

describe('serving core', () => {
  it('says VARIANT_UNKNOWN for an unknown name, and treats null as the original', async () => {
    const state = readyState()
    const unknown = await serveImage(state, { id: record.id, token, proof: record.statelessProof, variant: 'big' })
    expect(unknown.state).toBe(WireState.NotFound)
    expect(unknown.error?.code).toBe('VARIANT_UNKNOWN')
    const notAName = await serveImage(state, { id: record.id, token, proof: record.statelessProof, variant: 7 })
    expect(notAName.error?.code).toBe('VARIANT_UNKNOWN')
    const original = await serveImage(state, { id: record.id, token, proof: record.statelessProof, variant: null })
    expect(original.state).toBe(WireState.Success)
    expect(original.body!.length).toBeGreaterThan(0)
  })

  it('an update gives each variant an Updated frame with its new key; the old token no longer gets Success', async () => {
    const next = (await updateImage(record.id, generateImage('png', { width: 30, height: 20, seed: 13 })))!
    const nextSealed = sealingOf(next)
    for (const name of ['thumb', 'small'] as const) {
      const payload = await customEndpointHelper(record.id, token, record.statelessProof, { variant: name })
      const frame = decodeWirePayload(payload)
      expect(frame.state === WireState.Updated && frame.token).toBe(next.token)
      const updated = await open(payload, undefined)
      await expectVariant(updated.plaintext, name)
      const success = await open(await customEndpointHelper(record.id, next.token, record.statelessProof, { variant: name }), nextSealed[name])
      expect(Buffer.from(success.plaintext).equals(Buffer.from(updated.plaintext))).toBe(true)
      expect(Buffer.from(nextSealed[name]!.key).equals(Buffer.from(sealed[name]!.key))).toBe(false)
    }
    // A version stored without variants: the names are gone.
    const state = await readyState()
    const { keyId, wrappedKey, iv, tag, ciphertext, info } = (await state.storage.get(record.id))!
    const bare = await state.storage.replace(record.id, { keyId, wrappedKey, iv, tag, ciphertext, info }, Date.now())
    expect(await customEndpointHelper(record.id, bare, record.statelessProof, { variant: 'thumb' })).toEqual(Uint8Array.of(WireState.NotFound))
    expect((await customEndpointHelper(record.id, bare, record.statelessProof))[0]).toBe(WireState.Success)
  })
})

describe('batch request body', () => {
  it('refuses a variant that is neither a string nor null (400), over HTTP', async () => {
    const res = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ v: 1, items: [{ id: record.id, proof: record.statelessProof, variant: 3 }] }) })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('variant')
  })
})
