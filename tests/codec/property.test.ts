import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { tsCodec } from '../../src/codec/ts/ts-codec.js'
import type { WirePayload } from '../../src/types/index.js'
import { IMPLEMENTATIONS, outcome, toHex, wasmCodec } from './implementations.js'

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n })
const token = fc.oneof(
  fc.constantFrom(0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 2, 2 ** 53 - 1),
  fc.integer({ min: 0, max: 2 ** 31 }),
  fc.maxSafeNat(),
)
const payload: fc.Arbitrary<WirePayload> = fc.oneof(
  fc.record({ state: fc.constant(0 as const), ciphertext: fc.uint8Array({ maxLength: 300 }) }),
  fc.record({
    state: fc.constant(1 as const),
    token,
    key: bytes(32),
    iv: bytes(12),
    tag: bytes(16),
    ciphertext: fc.uint8Array({ maxLength: 300 }),
  }),
  fc.record({ state: fc.constantFrom(2 as const, 3 as const, 4 as const, 5 as const, 6 as const) }),
)

/** Plain data for comparing payloads and outcomes across implementations. */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return toHex(value)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]))
  }
  return value
}

describe.each(IMPLEMENTATIONS)('properties: %s', (_kind, codec) => {
  it('random payloads round-trip: decode(encode(p)) equals p', () => {
    fc.assert(
      fc.property(payload, (p) => {
        expect(plain(codec.decodeWirePayload(codec.encodeWirePayload(p)))).toEqual(plain(p))
      }),
      { numRuns: 500 },
    )
  })

  it('createFrame + body.set equals encodeWirePayload, and writeFrameHeader in place equals both', () => {
    fc.assert(
      fc.property(payload, (p) => {
        if (p.state !== 0 && p.state !== 1) return
        const header = p.state === 0 ? null : p
        const { frame, body } = codec.createFrame(header, p.ciphertext.length)
        body.set(p.ciphertext)
        const encoded = codec.encodeWirePayload(p)
        expect(toHex(frame)).toBe(toHex(encoded))
        const inPlace = new Uint8Array(encoded.length)
        inPlace.set(p.ciphertext, encoded.length - p.ciphertext.length)
        codec.writeFrameHeader(inPlace, header)
        expect(toHex(inPlace)).toBe(toHex(encoded))
      }),
      { numRuns: 300 },
    )
  })

  it('any byte string either decodes to a payload that re-encodes to the same bytes, or fails with a wire code', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (frame) => {
        const result = outcome(() => codec.decodeWirePayload(frame))
        if ('ok' in result) expect(toHex(codec.encodeWirePayload(result.ok as WirePayload))).toBe(toHex(frame))
        else expect(result.code).toMatch(/^WIRE_(EMPTY|UNKNOWN_STATE|TRUNCATED|TRAILING_BYTES|TOKEN_RANGE)$/)
      }),
      { numRuns: 1000 },
    )
  })
})

describe('differential: WASM and TS give the same result or the same error', () => {
  function same(run: (codec: typeof tsCodec) => unknown): void {
    expect(plain(outcome(() => run(wasmCodec)))).toEqual(plain(outcome(() => run(tsCodec))))
  }

  // Frames near the format's shape: a valid state byte, lengths around the 69-byte header, tokens
  // near 2^53, then random byte flips, truncations and extensions.
  const frameLike = fc
    .tuple(
      fc.constantFrom(0, 1, 1, 1, 2, 3, 4, 5, 6, 7, 255),
      fc.oneof(fc.integer({ min: 0, max: 80 }), fc.integer({ min: 60, max: 75 })),
      fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 2n ** 53n - 3n, max: 2n ** 53n + 3n })),
      fc.uint8Array({ minLength: 80, maxLength: 80 }),
    )
    .map(([state, length, tok, filler]) => {
      const frame = new Uint8Array(length)
      frame.set(filler.subarray(0, length))
      if (length > 0) frame[0] = state
      if (length >= 9) new DataView(frame.buffer).setBigUint64(1, tok, true)
      return frame
    })
  const mutated = fc
    .tuple(payload, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.integer({ min: -3, max: 3 }))
    .map(([p, flips, resize]) => {
      const encoded = tsCodec.encodeWirePayload(p)
      const frame = new Uint8Array(Math.max(0, encoded.length + resize))
      frame.set(encoded.subarray(0, frame.length))
      for (const [at, value] of flips) if (frame.length > 0) frame[at % frame.length] = value
      return frame
    })

  it('random byte strings decode the same', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (frame) => same((c) => c.decodeWirePayload(frame))), { numRuns: 1000 })
  })

  it('frame-shaped byte strings decode the same', () => {
    fc.assert(fc.property(frameLike, (frame) => same((c) => c.decodeWirePayload(frame))), { numRuns: 1000 })
  })

  it('mutated valid frames decode the same', () => {
    fc.assert(fc.property(mutated, (frame) => same((c) => c.decodeWirePayload(frame))), { numRuns: 1000 })
  })

  it('random encode inputs (including bad tokens and field lengths) give the same frame or the same code', () => {
    const loose = fc.record({
      state: fc.oneof(fc.integer({ min: -1, max: 8 }), fc.constant(1.5), fc.constant('1')),
      token: fc.oneof(token, fc.double(), fc.constant(2 ** 53), fc.constant(-1)),
      key: fc.uint8Array({ minLength: 31, maxLength: 33 }),
      iv: fc.uint8Array({ minLength: 11, maxLength: 13 }),
      tag: fc.uint8Array({ minLength: 15, maxLength: 17 }),
      ciphertext: fc.uint8Array({ maxLength: 20 }),
    })
    fc.assert(fc.property(loose, (p) => same((c) => c.encodeWirePayload(p as never))), { numRuns: 1000 })
  })

  it('tokensEqual and constantTimeEqual agree', () => {
    const anyToken = fc.oneof(token, fc.double(), fc.constantFrom(-1, 2 ** 53, Number.NaN, -0))
    fc.assert(
      fc.property(anyToken, anyToken, fc.boolean(), (a, b, sameValue) => {
        const right = sameValue ? a : b
        expect(wasmCodec.tokensEqual(a, right)).toBe(tsCodec.tokensEqual(a, right))
      }),
      { numRuns: 1000 },
    )
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), fc.uint8Array({ maxLength: 70 }), fc.nat(), (a, b, flip) => {
        const c = Uint8Array.from(a)
        if (c.length > 0) c[flip % c.length] = c[flip % c.length]! ^ (1 << flip % 8)
        for (const [x, y] of [[a, b], [a, c], [a, Uint8Array.from(a)]] as const) {
          expect(wasmCodec.constantTimeEqual(x, y)).toBe(tsCodec.constantTimeEqual(x, y))
        }
      }),
      { numRuns: 1000 },
    )
  })
})
