import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { customEndpointHelper, getImageRecord, saveImage } from '../../src/backend/index.js'
import { bytesToBase64Url } from '../../src/crypto/base64.js'
import { deriveSecretKeys } from '../../src/crypto/secret-keys.js'
import { signProof } from '../../src/crypto/sign-proof.js'
import { verifyProof } from '../../src/crypto/verify-proof.js'
import { proofMacInput } from '../../src/crypto/proof-format.js'
import { WireState } from '../../src/types/index.js'
import { makeTempDir, OLD_SECRET, OTHER_SECRET, removeDir, startBackend, stopBackend, TEST_SECRET } from '../helpers/backend-fixture.js'
import { generateImage } from '../helpers/sample-images.js'

const enc = (s: string) => new TextEncoder().encode(s)
const TTL = 300_000

describe('proof primitives', () => {
  it('has the documented shape and a 32-byte MAC; the key id is not the secret', async () => {
    const keys = await deriveSecretKeys(enc(TEST_SECRET))
    const proof = await signProof(keys, { id: 'a:b', exp: 1_800_000_000_000 })
    expect(proof).toMatch(/^v1\.[A-Za-z0-9_-]{8}\.1800000000000\.[A-Za-z0-9_-]{43}$/)
    expect(proof.split('.')[1]).toBe(keys.keyId)
    expect(TEST_SECRET.includes(keys.keyId)).toBe(false)
    // The key id is stable for a secret (restarts, other instances) and differs between secrets.
    expect((await deriveSecretKeys(enc(TEST_SECRET))).keyId).toBe(keys.keyId)
    expect((await deriveSecretKeys(enc(OTHER_SECRET))).keyId).not.toBe(keys.keyId)
  })

  it('MAC input is length-prefixed: shifting a boundary between id and scope changes it', () => {
    const a = proofMacInput('kid00000', 'ab', 5, 'c')
    const b = proofMacInput('kid00000', 'a', 5, 'bc')
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false)
    expect(Buffer.from(proofMacInput('k', 'i', 1, undefined)).equals(Buffer.from(proofMacInput('k', 'i', 1, '')))).toBe(false)
    // Exact bytes: u32 BE length then UTF-8, for each of 7 fields.
    expect(Buffer.from(proofMacInput('K', 'I', 7, 's')).toString('hex')).toBe(
      Buffer.concat(
        ['pixstore-proof', 'v1', 'K', 'I', '7', '1', 's'].map((f) => Buffer.concat([Buffer.from([0, 0, 0, f.length]), Buffer.from(f)])),
      ).toString('hex'),
    )
  })

  it('any single flipped character of a valid proof is rejected (property)', async () => {
    const keys = await deriveSecretKeys(enc(TEST_SECRET))
    const now = Date.now()
    const proof = await signProof(keys, { id: 'img', exp: now + 60_000 })
    const lookup = (kid: string) => (kid === keys.keyId ? keys.proofKey : undefined)
    await expect(verifyProof(proof, { id: 'img', now, maxTtlMs: TTL }, lookup)).resolves.toBe(now + 60_000)
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: proof.length - 1 }), fc.integer({ min: 1, max: 127 }), async (pos, delta) => {
        const c = String.fromCharCode((proof.charCodeAt(pos) + delta) % 128)
        const mutated = proof.slice(0, pos) + c + proof.slice(pos + 1)
        if (mutated === proof) return
        await expect(verifyProof(mutated, { id: 'img', now, maxTtlMs: TTL }, lookup)).rejects.toMatchObject({ name: 'PixstoreError' })
      }),
      { numRuns: 200 },
    )
  })

  it('one spelling per proof: an expiry with leading zeros is malformed, not a second valid string', async () => {
    const keys = await deriveSecretKeys(enc(TEST_SECRET))
    const now = Date.now()
    const proof = await signProof(keys, { id: 'img', exp: now + 60_000 })
    const lookup = (kid: string) => (kid === keys.keyId ? keys.proofKey : undefined)
    const [v, kid, exp, mac] = proof.split('.') as [string, string, string, string]
    // Number('0…') is the same expiry, so without a canonical form the same MAC verifies twice.
    await expect(verifyProof(`${v}.${kid}.0${exp}.${mac}`, { id: 'img', now, maxTtlMs: TTL }, lookup)).rejects.toMatchObject({
      code: 'PROOF_MALFORMED',
    })
  })
})

describe('proof matrix through customEndpointHelper and the wire states', () => {
  let dir: string
  let id: string
  let token: number
  let url: string

  beforeAll(async () => {
    dir = await makeTempDir('proofs')
    url = await startBackend(dir, { proofTtlMs: TTL, secret: TEST_SECRET, previousSecrets: [OLD_SECRET] })
    const r = (await saveImage(generateImage('png', { width: 4, height: 4 })))!
    id = r.id
    token = r.token
  })
  afterAll(async () => {
    await stopBackend()
    await removeDir(dir)
  })

  const state = async (proof: string | undefined, opts: { id?: string; scope?: string } = {}) =>
    (await customEndpointHelper(opts.id ?? id, token, proof, { scope: opts.scope }))[0]

  async function signed(secret: string, claims: { id?: string; exp?: number; scope?: string }) {
    const keys = await deriveSecretKeys(enc(secret))
    return signProof(keys, { id: claims.id ?? id, exp: claims.exp ?? Date.now() + 60_000, scope: claims.scope })
  }

  it('valid proof → Success', async () => {
    const r = (await getImageRecord(id))!
    expect(await state(r.statelessProof)).toBe(WireState.Success)
  })

  it('fresh proof on every getImageRecord call', async () => {
    const a = (await getImageRecord(id))!.statelessProof
    await new Promise((r) => setTimeout(r, 3))
    const b = (await getImageRecord(id))!.statelessProof
    expect(a).not.toBe(b)
  })

  it('rejects every kind of bad proof with the right state', async () => {
    const other = (await saveImage(generateImage('png', { width: 3, height: 3 })))!
    const scoped = (await getImageRecord(id, { scope: 'user-1' }))!.statelessProof
    const good = (await getImageRecord(id))!.statelessProof
    const [v, kid, exp, mac] = good.split('.') as [string, string, string, string]
    const flipped = mac.slice(0, 10) + (mac[10] === 'A' ? 'B' : 'A') + mac.slice(11)

    expect(await state(other.statelessProof)).toBe(WireState.InvalidProof) // proof of another id
    expect(await state(scoped)).toBe(WireState.InvalidProof) // scoped proof, no scope given
    expect(await state(scoped, { scope: 'user-2' })).toBe(WireState.InvalidProof) // other scope
    expect(await state(scoped, { scope: 'user-1' })).toBe(WireState.Success)
    expect(await state(good, { scope: 'user-1' })).toBe(WireState.InvalidProof) // unscoped proof, scope required
    expect(await state(await signed(TEST_SECRET, { exp: Date.now() - 1 }))).toBe(WireState.InvalidProof) // expired
    expect(await state(await signed(TEST_SECRET, { exp: Date.now() + TTL + 3_600_000 }))).toBe(WireState.InvalidProof) // too far
    expect(await state(await signed(OTHER_SECRET, {}))).toBe(WireState.InvalidProof) // unknown key id
    expect(await state(`${v}.${kid}.${exp}.${flipped}`)).toBe(WireState.InvalidProof) // one flipped bit
    expect(await state(good.slice(0, -1))).toBe(WireState.InvalidProof) // truncated
    expect(await state(good + 'A')).toBe(WireState.InvalidProof) // wrong length
    expect(await state(`${v}.${kid}.${exp}.${bytesToBase64Url(new Uint8Array(16))}`)).toBe(WireState.InvalidProof) // short MAC
    expect(await state('garbage')).toBe(WireState.InvalidProof)
    expect(await state('v2.' + good.slice(3))).toBe(WireState.InvalidProof) // other version
    expect(await state(undefined)).toBe(WireState.MissingProof)
    expect(await state('')).toBe(WireState.MissingProof)
    expect(await state(good, { id: '' })).toBe(WireState.MissingID)
    expect(await state(good, { id: '../etc/passwd' })).toBe(WireState.InvalidProof)
  })

  it('each rejection has its own error code', async () => {
    const keys = await deriveSecretKeys(enc(TEST_SECRET))
    const lookup = (k: string) => (k === keys.keyId ? keys.proofKey : undefined)
    const now = Date.now()
    const exp = (p: Promise<unknown>, code: string) => expect(p).rejects.toMatchObject({ code })
    await exp(verifyProof(undefined, { id, now, maxTtlMs: TTL }, lookup), 'PROOF_MISSING')
    await exp(verifyProof('x.y', { id, now, maxTtlMs: TTL }, lookup), 'PROOF_MALFORMED')
    await exp(verifyProof('v1.' + 'A'.repeat(200), { id, now, maxTtlMs: TTL }, lookup), 'PROOF_MALFORMED')
    await exp(verifyProof(await signed(OTHER_SECRET, {}), { id, now, maxTtlMs: TTL }, lookup), 'PROOF_UNKNOWN_KEY')
    await exp(verifyProof(await signed(TEST_SECRET, { exp: now - 1 }), { id, now, maxTtlMs: TTL }, lookup), 'PROOF_EXPIRED')
    await exp(verifyProof(await signed(TEST_SECRET, { exp: now + 10 * TTL }), { id, now, maxTtlMs: TTL }, lookup), 'PROOF_NOT_YET_VALID')
    await exp(verifyProof(await signed(TEST_SECRET, { id: 'other' }), { id, now, maxTtlMs: TTL }, lookup), 'PROOF_INVALID')
  })

  it('rotation: proofs of a previous secret are accepted, of an older one not', async () => {
    expect(await state(await signed(OLD_SECRET, {}))).toBe(WireState.Success)
    expect(await state(await signed('an-even-older-secret-0123456789abcdefghijklmn', {}))).toBe(WireState.InvalidProof)
  })

  it('the proof cache never lets a proof through for another id or after expiry', async () => {
    // Wide enough that a stalled, loaded machine still uses the proof before it expires; the wait
    // below is measured from the expiry itself, not assumed.
    const exp = Date.now() + 1_500
    const p = await signed(TEST_SECRET, { exp })
    expect(await state(p)).toBe(WireState.Success) // now cached
    const other = (await saveImage(generateImage('png', { width: 3, height: 3, seed: 8 })))!
    expect(await state(p, { id: other.id })).toBe(WireState.InvalidProof)
    await new Promise((r) => setTimeout(r, Math.max(0, exp - Date.now()) + 50))
    expect(await state(p)).toBe(WireState.InvalidProof)
  })

  it('the built-in endpoint maps the same states', async () => {
    const r = (await getImageRecord(id))!
    const get = async (h: Record<string, string>) =>
      new Uint8Array(await (await fetch(`${url}/${id}`, { headers: h })).arrayBuffer())
    expect((await get({ 'x-pixstore-proof': r.statelessProof, 'x-pixstore-token': String(r.token) }))[0]).toBe(WireState.Success)
    expect(await get({})).toEqual(Uint8Array.of(WireState.MissingProof))
    expect(await get({ 'x-pixstore-proof': 'nope' })).toEqual(Uint8Array.of(WireState.InvalidProof))
    const scoped = (await getImageRecord(id, { scope: 'u' }))!.statelessProof
    expect(await get({ 'x-pixstore-proof': scoped })).toEqual(Uint8Array.of(WireState.InvalidProof))
  })
})
