import { describe, expect, it } from 'vitest'
import { IMPLEMENTATIONS, deterministicBytes, expectCode } from './implementations.js'

describe.each(IMPLEMENTATIONS)('constantTimeEqual: %s', (_kind, codec) => {
  it('equal contents are equal, whatever the buffers and offsets', () => {
    const mac = deterministicBytes(32, 7)
    expect(codec.constantTimeEqual(mac, Uint8Array.from(mac))).toBe(true)
    const shifted = new Uint8Array(40)
    shifted.set(mac, 5)
    expect(codec.constantTimeEqual(mac, shifted.subarray(5, 37))).toBe(true)
    expect(codec.constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true)
  })

  it('a single flipped bit anywhere makes them unequal (every position of a 32-byte MAC, every bit)', () => {
    const mac = deterministicBytes(32, 11)
    for (let i = 0; i < mac.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const other = Uint8Array.from(mac)
        other[i] = other[i]! ^ (1 << bit)
        expect(codec.constantTimeEqual(mac, other), `byte ${i} bit ${bit}`).toBe(false)
      }
    }
  })

  it('lengths that differ are unequal, including a prefix and the empty string', () => {
    const mac = deterministicBytes(16, 3)
    expect(codec.constantTimeEqual(mac, mac.subarray(0, 15))).toBe(false)
    expect(codec.constantTimeEqual(mac.subarray(0, 0), mac)).toBe(false)
    expect(codec.constantTimeEqual(mac, Uint8Array.of(...mac, 0))).toBe(false)
  })

  it('inputs longer than the WASM scratch (chunked) compare correctly, differences in any chunk', () => {
    const big = deterministicBytes(70_000, 5)
    expect(codec.constantTimeEqual(big, Uint8Array.from(big))).toBe(true)
    for (const at of [0, 7, 8, 16_383, 16_384, 32_767, 32_768, 69_999]) {
      const other = Uint8Array.from(big)
      other[at] = other[at]! ^ 0x80
      expect(codec.constantTimeEqual(big, other), `difference at ${at}`).toBe(false)
    }
  })

  it('a non-Uint8Array argument is a WIRE_INVALID_INPUT, never a silent true', () => {
    expectCode(() => codec.constantTimeEqual('abc' as never, 'abc' as never), 'WIRE_INVALID_INPUT')
    expectCode(() => codec.constantTimeEqual(Uint8Array.of(1), [1] as never), 'WIRE_INVALID_INPUT')
    expectCode(() => codec.constantTimeEqual(null as never, Uint8Array.of(1)), 'WIRE_INVALID_INPUT')
  })
})

describe.each(IMPLEMENTATIONS)('tokensEqual: %s', (_kind, codec) => {
  it('equal valid tokens are equal, across the whole range', () => {
    for (const t of [0, 1, 2 ** 32 - 1, 2 ** 32, 1764460800123, 2 ** 53 - 1]) expect(codec.tokensEqual(t, t)).toBe(true)
    expect(codec.tokensEqual(0, -0)).toBe(true)
  })

  it('different tokens are unequal, including neighbours at the top of the range', () => {
    expect(codec.tokensEqual(1, 2)).toBe(false)
    expect(codec.tokensEqual(2 ** 53 - 1, 2 ** 53 - 2)).toBe(false)
    expect(codec.tokensEqual(2 ** 32, 2 ** 32 + 1)).toBe(false)
  })

  it('invalid tokens are never equal, not even to themselves', () => {
    for (const t of [Number.NaN, -1, 1.5, 2 ** 53, 2 ** 64, Number.POSITIVE_INFINITY]) {
      expect(codec.tokensEqual(t, t), String(t)).toBe(false)
    }
    expect(codec.tokensEqual('5' as never, 5)).toBe(false)
    expect(codec.tokensEqual(5, '5' as never)).toBe(false)
    expect(codec.tokensEqual(5n as never, 5n as never)).toBe(false)
    expect(codec.tokensEqual(null as never, 0)).toBe(false)
  })
})
