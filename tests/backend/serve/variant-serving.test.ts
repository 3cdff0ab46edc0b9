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
import { openImage, sealImage } from '../../../src/crypto/aes-gcm.js'
import { wrapImageKey } from '../../../src/crypto/key-wrap.js'
import { pixstoreExpress } from '../../../src/backend/adapters/express.js'
import { createPixstoreFetchHandler } from '../../../src/backend/adapters/fetch.js'
import { readyState } from '../../../src/backend/backend-state.js'
import { variantKeyBinding } from '../../../src/backend/images/stored-key.js'
import { customEndpointBatchHelper, customEndpointHelper, saveImage, type ImageRecord } from '../../../src/backend/index.js'
import { serveImage } from '../../../src/backend/serve/serve-image.js'
import { WireState, type WirePayload } from '../../../src/types/index.js'
import { base64ToBytes } from '../../../src/crypto/base64.js'
import { makeTempDir, removeDir, startBackend, stopBackend } from '../../helpers/backend-fixture.js'
import { generateImage } from '../../helpers/sample-images.js'

/** What a client must end up with for one variant: its plaintext, and the sealing of it. */
interface SealedVariant {
  plaintext: Uint8Array
  key: Uint8Array
  iv: Uint8Array
  tag: Uint8Array
}

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

/**
 * Stores a new version of `id` holding the original as it is plus `variants`, sealed as the ingest
 * seals them (own key and IV each, key wrapped under the version's key id bound to id + name), through
 * the storage adapter's own atomic replace. Returns the new token and each variant's sealing.
 */
async function storeVariants(id: string, variants: Record<string, Uint8Array>): Promise<{ token: number; sealed: Record<string, SealedVariant> }> {
  const state = await readyState()
  const current = (await state.storage.get(id))!
  const keys = state.keyring.get(current.keyId)!
  const out: Record<string, SealedVariant> = {}
  const inputs = []
  for (const [name, image] of Object.entries(variants)) {
    const plaintext = new Uint8Array(image.length + 1)
    plaintext[0] = 2 // webp
    plaintext.set(image, 1)
    const s = await sealImage(plaintext)
    out[name] = { plaintext, key: s.key, iv: s.iv, tag: s.tag }
    inputs.push({
      name,
      wrappedKey: await wrapImageKey(keys.wrapKey, variantKeyBinding(id, name), s.key),
      iv: s.iv,
      tag: s.tag,
      ciphertext: s.ciphertext,
      info: { mime: 'image/webp', width: 4, height: 4, bytes: image.length },
      preset: `test-${name}`,
    })
  }
  const { keyId, wrappedKey, iv, tag, ciphertext, info } = current
  const next = await state.storage.replace(id, { keyId, wrappedKey, iv, tag, ciphertext, info, variants: inputs }, Date.now())
  return { token: next!, sealed: out }
}

/** Decrypts one frame as a client holding (token, key/iv/tag of `expected`) would; returns the plaintext. */
async function open(frame: Uint8Array | WirePayload, expected: SealedVariant, clientToken: number | undefined): Promise<{ state: number; plaintext: Uint8Array }> {
  const decoded = frame instanceof Uint8Array ? decodeWirePayload(frame) : frame
  if (decoded.state === WireState.Updated) {
    // The frame's key/iv/tag must be the variant's own, or decryption below fails.
    return { state: decoded.state, plaintext: new Uint8Array(await openImage(decoded.ciphertext, decoded.key, decoded.iv, decoded.tag)) }
  }
  if (decoded.state === WireState.Success) {
    expect(clientToken).toBeDefined()
    return { state: decoded.state, plaintext: new Uint8Array(await openImage(decoded.ciphertext, expected.key, expected.iv, expected.tag)) }
  }
  return { state: decoded.state, plaintext: new Uint8Array(0) }
}

const variantImages = { thumb: new Uint8Array(Array.from({ length: 300 }, (_, i) => i % 251)), small: new Uint8Array(Array.from({ length: 900 }, (_, i) => (i * 7) % 253)) }

beforeAll(async () => {
  dir = await makeTempDir('variant-serving')
  base = await startBackend(dir) // ciphertext cache on (the default): the (id, variant, token) keys matter
  record = (await saveImage(generateImage('png', { width: 12, height: 12, seed: 11 })))!
  other = (await saveImage(generateImage('png', { width: 10, height: 10, seed: 12 })))!
  ;({ token, sealed } = await storeVariants(record.id, variantImages))
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
    for (const [name, expected] of Object.entries(sealed)) {
      const updated = await open(await t.get(record.id, record.statelessProof, undefined, name), expected, undefined)
      expect(updated.state).toBe(WireState.Updated)
      expect(Buffer.from(updated.plaintext).equals(Buffer.from(expected.plaintext))).toBe(true)
      const frame = decodeWirePayload(await t.get(record.id, record.statelessProof, record.token, name))
      // The client's token is older than the version holding the variants: Updated, with the version's token.
      expect(frame.state === WireState.Updated && frame.token).toBe(token)
      const success = await open(await t.get(record.id, record.statelessProof, token, name), expected, token)
      expect(success.state).toBe(WireState.Success)
      expect(Buffer.from(success.plaintext).equals(Buffer.from(expected.plaintext))).toBe(true)
    }
  })

  it('the original is still served without a variant (and not confused with one in the cache)', async () => {
    const frame = decodeWirePayload(await t.get(record.id, record.statelessProof, token))
    if (frame.state !== WireState.Success) throw new Error(`state ${frame.state}`)
    // Opens under the original's own key (the record's): the original's bytes, not a variant's.
    const { key, iv, tag } = record.meta
    const plaintext = await openImage(frame.ciphertext, base64ToBytes(key)!, base64ToBytes(iv)!, base64ToBytes(tag)!)
    for (const v of Object.values(sealed)) expect(plaintext.length).not.toBe(v.plaintext.length)
  })

  it('an unknown name (absent preset, invalid spelling) is NotFound; the proof is still checked first', async () => {
    for (const name of ['big', 'Thumb', '../thumb', '', 'x'.repeat(40)]) {
      expect(await t.get(record.id, record.statelessProof, token, name)).toEqual(Uint8Array.of(WireState.NotFound))
    }
    expect(await t.get(other.id, other.statelessProof, undefined, 'thumb')).toEqual(Uint8Array.of(WireState.NotFound))
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
      { id: other.id, proof: other.statelessProof, variant: 'thumb' },
    ])
    expect(frames.map((f) => f.state)).toEqual([
      WireState.Updated,
      WireState.Success,
      WireState.Success,
      WireState.InvalidProof,
      WireState.MissingProof,
      WireState.NotFound,
      WireState.NotFound,
    ])
    expect(Buffer.from((await open(frames[0]!, sealed.thumb!, undefined)).plaintext).equals(Buffer.from(sealed.thumb!.plaintext))).toBe(true)
    expect(Buffer.from((await open(frames[1]!, sealed.small!, token)).plaintext).equals(Buffer.from(sealed.small!.plaintext))).toBe(true)
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
    expect(await serveImage(state, { id: 'nothing:here', token, proof: record.statelessProof, variant: 'thumb' })).toMatchObject({ state: WireState.InvalidProof })
  })

  it('an update gives each variant an Updated frame with its new key; the old token no longer gets Success', async () => {
    const next = await storeVariants(record.id, { thumb: variantImages.small, small: variantImages.thumb })
    for (const name of ['thumb', 'small'] as const) {
      const frame = decodeWirePayload(await customEndpointHelper(record.id, token, record.statelessProof, { variant: name }))
      expect(frame.state === WireState.Updated && frame.token).toBe(next.token)
      const opened = await open(await customEndpointHelper(record.id, token, record.statelessProof, { variant: name }), next.sealed[name]!, undefined)
      expect(Buffer.from(opened.plaintext).equals(Buffer.from(next.sealed[name]!.plaintext))).toBe(true)
      // The new key is not the old one: the cache did not serve the old version's bytes under the new token.
      expect(Buffer.from(next.sealed[name]!.key).equals(Buffer.from(sealed[name]!.key))).toBe(false)
    }
    // A version without variants: the names are gone.
    const state = await readyState()
    const current = (await state.storage.get(record.id))!
    const { keyId, wrappedKey, iv, tag, ciphertext, info } = current
    await state.storage.replace(record.id, { keyId, wrappedKey, iv, tag, ciphertext, info }, Date.now())
    expect(await customEndpointHelper(record.id, next.token, record.statelessProof, { variant: 'thumb' })).toEqual(Uint8Array.of(WireState.NotFound))
  })
})

describe('batch request body', () => {
  it('refuses a variant that is neither a string nor null (400), over HTTP', async () => {
    const res = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ v: 1, items: [{ id: record.id, proof: record.statelessProof, variant: 3 }] }) })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('variant')
  })
})
