// "Trust at the edges", serving part: one scope rule everywhere (item 8), adapters await and check
// what application callbacks return (item 9), wrapping errors keep their cause and say why
// (item 10), a bad call argument is ARGUMENT_INVALID, not CONFIG_INVALID (item 13).
import type { AddressInfo } from 'node:net'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pixstoreExpress } from '../../../src/backend/adapters/express.js'
import { createPixstoreFetchHandler } from '../../../src/backend/adapters/fetch.js'
import {
  customEndpointHelper,
  getImageRecord,
  saveImage,
  saveImageFromFile,
  startDefaultEndpoint,
  stopDefaultEndpoint,
  type ImageRecord,
} from '../../../src/backend/index.js'
import { signProof } from '../../../src/crypto/sign-proof.js'
import { deriveSecretKeys } from '../../../src/crypto/secret-keys.js'
import { createProofCache } from '../../../src/backend/serve/proof-cache.js'
import { serveImage } from '../../../src/backend/serve/serve-image.js'
import { createCiphertextCache } from '../../../src/backend/serve/ciphertext-cache.js'
import { PixstoreError } from '../../../src/shared/errors.js'
import { WireState } from '../../../src/types/index.js'
import { makeTempDir, removeDir, startBackend, stopBackend, TEST_SECRET } from '../../helpers/backend-fixture.js'
import { generateImage } from '../../helpers/sample-images.js'
import { pixstoreRejection as rejection } from '../../helpers/rejection.js'

let dir: string
let record: ImageRecord
const servers: Server[] = []

function listen(server: Server): Promise<string> {
  servers.push(server)
  return new Promise((resolve) => server.once('listening', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)))
}

async function get(url: string, headers: Record<string, string> = {}): Promise<{ bytes: Uint8Array; headers: Headers }> {
  const res = await fetch(url, { headers })
  return { bytes: new Uint8Array(await res.arrayBuffer()), headers: res.headers }
}


/** A proof for `record` scoped to any value, signed with the test secret (as an attacker cannot). */
async function proofScoped(scope: string): Promise<string> {
  return signProof(await deriveSecretKeys(new TextEncoder().encode(TEST_SECRET)), { id: record.id, exp: Date.now() + 60_000, scope })
}

beforeAll(async () => {
  dir = await makeTempDir('edges')
  await startBackend(dir)
  record = (await saveImage(generateImage('png', { width: 8, height: 8, seed: 3 })))!
})
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))))
  await stopBackend()
  await removeDir(dir)
})

describe('item 8: scope is a string or absent, with one rule', () => {
  it('the proof cache keys scope null apart from scope "null"', () => {
    const cache = createProofCache(10)
    const proof = 'v1.AAAAAAAA.9999999999999.' + 'A'.repeat(43)
    cache.add(proof, 'img', null as unknown as undefined, 2_000)
    expect(cache.has(proof, 'img', 'null', 1_000)).toBe(false)
    // null is "no scope" to the MAC (proofMacInput), and so to the cache.
    expect(cache.has(proof, 'img', undefined, 1_000)).toBe(true)
  })

  it('scope null is no scope: it opens an unscoped proof, and that does not open scope "null"', async () => {
    const viaNull = await customEndpointHelper(record.id, record.token, record.statelessProof, { scope: null as unknown as string })
    expect(viaNull[0]).toBe(WireState.Success)
    const viaText = await customEndpointHelper(record.id, record.token, record.statelessProof, { scope: 'null' })
    expect(viaText).toEqual(Uint8Array.of(WireState.InvalidProof))
  })

  it('getImageRecord refuses a scope that is not a string or absent (number, object, too long) with ARGUMENT_INVALID', async () => {
    for (const scope of [42, {}, 'x'.repeat(513)]) {
      const e = await rejection(getImageRecord(record.id, { scope: scope as string }))
      expect(e.code).toBe('ARGUMENT_INVALID')
    }
  })
})

describe('item 9: adapters await and check the scope callback', () => {
  let expressBase: string
  let fetchBase: string
  beforeAll(async () => {
    const app = express()
    app.get('/async/:id', pixstoreExpress({ scope: async (req) => req.headers.authorization }))
    app.get('/number/:id', pixstoreExpress({ scope: (() => 42) as never }))
    expressBase = await listen(app.listen(0, '127.0.0.1'))
    const handler = createPixstoreFetchHandler({ route: '/f', scope: (() => 42) as never })
    const server = createServer(async (req, res) => {
      const response = await handler(new Request(`http://127.0.0.1${req.url}`, { headers: req.headers as Record<string, string> }))
      res.writeHead(response.status, Object.fromEntries(response.headers))
      res.end(Buffer.from(await response.arrayBuffer()))
    }).listen(0, '127.0.0.1')
    fetchBase = await listen(server)
  })

  it('Express: an async scope is awaited (the user is served, a proof for "[object Promise]" is not)', async () => {
    const forAlice = (await getImageRecord(record.id, { scope: 'alice' }))!
    const ok = await get(`${expressBase}/async/${record.id}?token=${record.token}`, { authorization: 'alice', 'x-pixstore-proof': forAlice.statelessProof })
    expect(ok.bytes[0]).toBe(WireState.Success)
    // Control: a proof this test signs for 'alice' is as good as getImageRecord's.
    const signed = await get(`${expressBase}/async/${record.id}?token=${record.token}`, { authorization: 'alice', 'x-pixstore-proof': await proofScoped('alice') })
    expect(signed.bytes[0]).toBe(WireState.Success)
    const forged = await get(`${expressBase}/async/${record.id}`, { authorization: 'alice', 'x-pixstore-proof': await proofScoped('[object Promise]') })
    expect(forged.bytes).toEqual(Uint8Array.of(WireState.InvalidProof))
  })

  it('Express and fetch: a scope that is not a string is InternalError, never String(x)', async () => {
    const for42 = await proofScoped('42')
    expect((await get(`${expressBase}/number/${record.id}`, { 'x-pixstore-proof': for42 })).bytes).toEqual(Uint8Array.of(WireState.InternalError))
    expect((await get(`${fetchBase}/f/${record.id}`, { 'x-pixstore-proof': for42 })).bytes).toEqual(Uint8Array.of(WireState.InternalError))
  })

  it('adapter options are read from own properties; unknown keys are refused', async () => {
    const proto = Object.prototype as Record<string, unknown>
    proto.accessControlAllowOrigin = 'https://evil.example'
    let middleware
    try {
      middleware = pixstoreExpress({})
    } finally {
      delete proto.accessControlAllowOrigin
    }
    const app = express()
    app.get('/own/:id', middleware)
    const base = await listen(app.listen(0, '127.0.0.1'))
    const res = await get(`${base}/own/${record.id}`, { 'x-pixstore-proof': record.statelessProof })
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    expect(() => pixstoreExpress({ scop: () => 'x' } as never)).toThrow(PixstoreError)
    expect(() => createPixstoreFetchHandler({ rout: '/x' } as never)).toThrow(PixstoreError)
  })
})

describe('item 10: a PixstoreError wrapping another keeps it as cause and says why', () => {
  it('an unexpected failure while serving: STORAGE_ERROR naming the reason, original as cause', async () => {
    const boom = new TypeError('disk on fire')
    const keys = await deriveSecretKeys(new TextEncoder().encode(TEST_SECRET))
    const frame = await serveImage(
      {
        config: { proofTtlMs: 300_000 },
        storage: { getHead: () => Promise.reject(boom), get: () => Promise.reject(boom), getVariant: () => Promise.reject(boom) },
        keyring: { get: (kid) => (kid === keys.keyId ? keys : undefined) },
        proofCache: createProofCache(0),
        ciphertextCache: createCiphertextCache(0),
      },
      { id: record.id, token: undefined, proof: record.statelessProof },
    )
    expect(frame.state).toBe(WireState.InternalError)
    expect(frame.error?.code).toBe('STORAGE_ERROR')
    expect(frame.error?.cause).toBe(boom)
    expect(frame.error?.message).toContain('TypeError: disk on fire')
  })

  it('a port in use: ENDPOINT_ERROR naming EADDRINUSE, the listen error as cause', async () => {
    const taken = createServer().listen(0, '127.0.0.1')
    await new Promise((r) => taken.once('listening', r))
    servers.push(taken)
    await stopDefaultEndpoint()
    const port = (taken.address() as AddressInfo).port
    await stopBackend()
    await startBackend(dir, { defaultEndpointEnabled: false, defaultEndpointListenPort: port }).catch(() => {})
    const e = await rejection(startDefaultEndpoint())
    expect(e.code).toBe('ENDPOINT_ERROR')
    expect(e.message).toContain('EADDRINUSE')
    expect((e.cause as NodeJS.ErrnoException).code).toBe('EADDRINUSE')
  })

  it('an unreadable image file: IMAGE_FILE_UNREADABLE naming the errno, the fs error as cause', async () => {
    const e = await rejection(saveImageFromFile(join(dir, 'no-such-file.png')))
    expect(e.code).toBe('IMAGE_FILE_UNREADABLE')
    expect(e.message).toContain('ENOENT')
    expect((e.cause as NodeJS.ErrnoException).code).toBe('ENOENT')
  })
})

describe('item 13: a bad call argument is ARGUMENT_INVALID', () => {
  it('signProof with a bad expiry or scope', async () => {
    const keys = await deriveSecretKeys(new TextEncoder().encode(TEST_SECRET))
    expect((await rejection(signProof(keys, { id: 'a', exp: 1.5 }))).code).toBe('ARGUMENT_INVALID')
    expect((await rejection(signProof(keys, { id: 'a', exp: 1, scope: 7 as never }))).code).toBe('ARGUMENT_INVALID')
  })
})
