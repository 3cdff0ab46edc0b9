import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { WirePayload } from '../../src/types/index.js'
import { IMPLEMENTATIONS, deterministicBytes, expectCode, fromHex, toHex } from './implementations.js'
import type { PixstoreErrorCode } from '../../src/shared/errors.js'

interface HexPayload {
  state: number
  token?: number
  key?: string
  iv?: string
  tag?: string
  ciphertext?: string
}
const vectors = JSON.parse(readFileSync(new URL('../fixtures/wire-vectors.json', import.meta.url), 'utf8')) as {
  valid: Array<{ name: string; length: number; frame: string; payload: HexPayload }>
  invalid: Array<{ name: string; length: number; frame: string; code: PixstoreErrorCode }>
  encodeInvalid: Array<{ name: string; payload: HexPayload; code: PixstoreErrorCode }>
}

function toPayload(p: HexPayload): WirePayload {
  const out: Record<string, unknown> = { state: p.state }
  if (p.token !== undefined) out.token = p.token
  for (const field of ['key', 'iv', 'tag', 'ciphertext'] as const) {
    if (p[field] !== undefined) out[field] = fromHex(p[field])
  }
  return out as unknown as WirePayload
}

function toHexPayload(p: WirePayload): HexPayload {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(p)) out[k] = v instanceof Uint8Array ? toHex(v) : v
  return out as unknown as HexPayload
}

describe('the vector file covers what the issue lists', () => {
  it('is exactly what tests/codec/generate-vectors.mjs writes (no hand edits)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pixstore-vectors-'))
    try {
      const out = path.join(dir, 'v.json')
      execFileSync(process.execPath, [path.join(import.meta.dirname, 'generate-vectors.mjs'), '--out', out], { stdio: 'pipe' })
      expect(readFileSync(out, 'utf8')).toBe(readFileSync(new URL('../fixtures/wire-vectors.json', import.meta.url), 'utf8'))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('every state, frames of 0, 1, 68, 69, 70 bytes, tokens 0 and 2^53-1, 2^53 and 2^64-1 rejected', () => {
    const states = new Set(vectors.valid.map((v) => v.payload.state))
    expect([...states].sort()).toEqual([0, 1, 2, 3, 4, 5, 6])
    const lengths = new Set([...vectors.valid, ...vectors.invalid].map((v) => v.length))
    for (const n of [0, 1, 68, 69, 70]) expect(lengths.has(n), `frame of ${n} bytes`).toBe(true)
    const tokens = vectors.valid.map((v) => v.payload.token)
    expect(tokens).toContain(0)
    expect(tokens).toContain(2 ** 53 - 1)
    const names = vectors.invalid.map((v) => v.name)
    expect(names).toContain('Updated, token 2^53')
    expect(names).toContain('Updated, token 2^64-1')
    expect(vectors.valid.some((v) => v.payload.ciphertext?.length === 2)).toBe(true)
  })
})

describe.each(IMPLEMENTATIONS)('conformance vectors: %s', (_kind, codec) => {
  it.each(vectors.valid)('decodes $name', ({ frame, payload }) => {
    expect(toHexPayload(codec.decodeWirePayload(fromHex(frame)))).toEqual(payload)
  })

  it.each(vectors.valid)('encodes $name', ({ frame, payload }) => {
    expect(toHex(codec.encodeWirePayload(toPayload(payload)))).toBe(frame)
  })

  it.each(vectors.valid.filter((v) => v.payload.state <= 1))('createFrame + body.set gives $name', ({ frame, payload }) => {
    const p = toPayload(payload) as WirePayload & { ciphertext: Uint8Array }
    const made = codec.createFrame(p.state === 0 ? null : (p as never), p.ciphertext.length)
    made.body.set(p.ciphertext)
    expect(toHex(made.frame)).toBe(frame)
    expect(made.body.buffer).toBe(made.frame.buffer)
  })

  it.each(vectors.valid.filter((v) => v.payload.state <= 1))('writeFrameHeader in place gives $name', ({ frame, payload }) => {
    const p = toPayload(payload) as WirePayload & { ciphertext: Uint8Array }
    const headerLength = p.state === 0 ? 1 : 69
    const buffer = new Uint8Array(headerLength + p.ciphertext.length).fill(0xee)
    buffer.set(p.ciphertext, headerLength)
    const body = codec.writeFrameHeader(buffer, p.state === 0 ? null : (p as never))
    expect(toHex(buffer)).toBe(frame)
    expect(body.byteOffset).toBe(headerLength)
  })

  it.each(vectors.invalid)('rejects $name with $code', ({ frame, code }) => {
    const bytes = fromHex(frame)
    const before = toHex(bytes)
    expectCode(() => codec.decodeWirePayload(bytes), code)
    expect(toHex(bytes)).toBe(before)
  })

  it.each(vectors.encodeInvalid)('refuses to encode $name with $code', ({ payload, code }) => {
    expectCode(() => codec.encodeWirePayload(toPayload(payload)), code)
  })

  it('decodes into views of the input: fields alias the frame, nothing is copied', () => {
    const frame = fromHex(vectors.valid.find((v) => v.name.includes('2^53-1'))!.frame)
    const p = codec.decodeWirePayload(frame)
    if (p.state !== 1) throw new Error('expected Updated')
    for (const [field, offset] of [['key', 9], ['iv', 41], ['tag', 53], ['ciphertext', 69]] as const) {
      expect(p[field].buffer, field).toBe(frame.buffer)
      expect(p[field].byteOffset, field).toBe(offset)
    }
    frame[69] = 0x99
    expect(p.ciphertext[0]).toBe(0x99)
  })

  it('decodes a frame that sits at an offset inside a larger buffer', () => {
    const inner = fromHex(vectors.valid.find((v) => v.name.includes('byte order'))!.frame)
    const outer = new Uint8Array(inner.length + 10).fill(0xff)
    outer.set(inner, 7)
    const p = codec.decodeWirePayload(outer.subarray(7, 7 + inner.length))
    expect(p.state === 1 && p.token).toBe(0x0007060504030201)
    expect(p.state === 1 && toHex(p.ciphertext)).toBe('09')
  })

  it('round-trips a ciphertext of 8 MiB (generated, not stored), Success and Updated', () => {
    const size = 8 * 1024 * 1024
    const ciphertext = deterministicBytes(size, 0x5eed)
    const key = deterministicBytes(32, 1)
    const iv = deterministicBytes(12, 2)
    const tag = deterministicBytes(16, 3)
    // Expected frame assembled by hand.
    const expected = new Uint8Array(69 + size)
    expected[0] = 1
    new DataView(expected.buffer).setBigUint64(1, 2n ** 53n - 1n, true)
    expected.set(key, 9)
    expected.set(iv, 41)
    expected.set(tag, 53)
    expected.set(ciphertext, 69)

    const encoded = codec.encodeWirePayload({ state: 1, token: 2 ** 53 - 1, key, iv, tag, ciphertext })
    expect(encoded.length).toBe(expected.length)
    expect(Buffer.compare(encoded, expected)).toBe(0)
    const decoded = codec.decodeWirePayload(encoded)
    expect(decoded.state === 1 && decoded.token).toBe(2 ** 53 - 1)
    expect(decoded.state === 1 && Buffer.compare(decoded.ciphertext, ciphertext)).toBe(0)

    const success = codec.encodeWirePayload({ state: 0, ciphertext })
    expect(success[0]).toBe(0)
    expect(Buffer.compare(success.subarray(1), ciphertext)).toBe(0)
    const back = codec.decodeWirePayload(success)
    expect(back.state === 0 && back.ciphertext.length).toBe(size)
    expect(back.state === 0 && back.ciphertext.byteOffset).toBe(1)
  })
})
