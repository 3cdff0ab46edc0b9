import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
// pixstore@3.2.1, our peer: its wire encoder and decoder live together in shared/wire-encoder.js.
import * as peer from 'pixstore-v3/shared/wire-encoder.js'
import { base64ToBytes, bytesToBase64 } from '../../src/crypto/base64.js'
import { IMPLEMENTATIONS, toHex } from './implementations.js'

// Its typings want Node Buffers and a tagged union; the comparisons below are on plain data.
const peerEncode = peer.encodeWirePayload as (payload: Record<string, unknown>) => Uint8Array
const peerDecode = peer.decodeWirePayload as (frame: Uint8Array) => any

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n })
// pixstore 3.2.1 issues Date.now() tokens; any safe integer survives its BigInt round trip.
const token = fc.oneof(fc.constantFrom(0, 1, 2 ** 53 - 1, 1764460800123), fc.maxSafeNat())
const ciphertext = fc.uint8Array({ minLength: 1, maxLength: 200 })
const b64 = (u: Uint8Array) => bytesToBase64(u)
const fromB64 = (s: string) => base64ToBytes(s)!

describe.each(IMPLEMENTATIONS)('interop with pixstore@3.2.1: %s', (_kind, codec) => {
  it('frames pixstore encodes (Updated) decode identically with ours', () => {
    fc.assert(
      fc.property(token, bytes(32), bytes(12), bytes(16), ciphertext, (t, key, iv, tag, ct) => {
        const frame = peerEncode({ state: 1, token: t, meta: { key: b64(key), iv: b64(iv), tag: b64(tag) }, encrypted: ct })
        const ours = codec.decodeWirePayload(frame)
        if (ours.state !== 1) throw new Error(`expected Updated, got ${ours.state}`)
        expect(ours.token).toBe(t)
        expect([b64(ours.key), b64(ours.iv), b64(ours.tag)]).toEqual([b64(key), b64(iv), b64(tag)])
        expect(toHex(ours.ciphertext)).toBe(toHex(ct))
      }),
      { numRuns: 200 },
    )
  })

  it('frames pixstore encodes (Success and the one-byte states) decode identically with ours', () => {
    fc.assert(
      fc.property(ciphertext, (ct) => {
        const ours = codec.decodeWirePayload(peerEncode({ state: 0, encrypted: ct }))
        expect(ours.state === 0 && toHex(ours.ciphertext)).toBe(toHex(ct))
      }),
      { numRuns: 100 },
    )
    for (const state of [2, 3, 4, 5, 6]) {
      expect(codec.decodeWirePayload(peerEncode({ state }))).toEqual({ state })
    }
  })

  it('frames we encode decode identically with pixstore (its meta is base64)', () => {
    fc.assert(
      fc.property(token, bytes(32), bytes(12), bytes(16), ciphertext, (t, key, iv, tag, ct) => {
        const { frame, body } = codec.createFrame({ token: t, key, iv, tag }, ct.length)
        body.set(ct)
        const peer = peerDecode(frame)
        expect(peer.state).toBe(1)
        expect(peer.token).toBe(t)
        expect(peer.meta).toEqual({ key: b64(key), iv: b64(iv), tag: b64(tag) })
        expect(toHex(peer.encrypted)).toBe(toHex(ct))
        // and its base64 converts back to exactly our bytes
        expect(toHex(fromB64(peer.meta.key))).toBe(toHex(key))
      }),
      { numRuns: 200 },
    )
  })

  it('Success and one-byte frames we encode decode identically with pixstore', () => {
    fc.assert(
      fc.property(ciphertext, (ct) => {
        const peer = peerDecode(codec.encodeWirePayload({ state: 0, ciphertext: ct }))
        expect(peer.state).toBe(0)
        expect(toHex(peer.encrypted)).toBe(toHex(ct))
      }),
      { numRuns: 100 },
    )
    for (const state of [2, 3, 4, 5, 6] as const) {
      expect(peerDecode(codec.encodeWirePayload({ state }))).toEqual({ state })
    }
  })

  it('byte-identical frames for the same Updated payload, ours vs pixstore encoder', () => {
    fc.assert(
      fc.property(token, bytes(32), bytes(12), bytes(16), ciphertext, (t, key, iv, tag, ct) => {
        const theirs = peerEncode({ state: 1, token: t, meta: { key: b64(key), iv: b64(iv), tag: b64(tag) }, encrypted: ct })
        const ours = codec.encodeWirePayload({ state: 1, token: t, key, iv, tag, ciphertext: ct })
        expect(toHex(ours)).toBe(toHex(theirs))
      }),
      { numRuns: 200 },
    )
  })

  it('where pixstore accepts garbage, we refuse it with a clear code (its decoder checks no lengths)', () => {
    // A 10-byte "Updated" frame: pixstore reads past the end into key/iv/tag slices; we refuse it.
    const short = Uint8Array.of(1, 5, 0, 0, 0, 0, 0, 0, 0, 0xaa)
    expect(() => codec.decodeWirePayload(short)).toThrow(expect.objectContaining({ code: 'WIRE_TRUNCATED' }))
    // [2, x]: pixstore returns { state: 2 } silently; we say there are trailing bytes.
    expect(peerDecode(Uint8Array.of(2, 9))).toEqual({ state: 2 })
    expect(() => codec.decodeWirePayload(Uint8Array.of(2, 9))).toThrow(expect.objectContaining({ code: 'WIRE_TRAILING_BYTES' }))
  })
})
