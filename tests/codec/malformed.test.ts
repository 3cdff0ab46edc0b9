import { describe, expect, it } from 'vitest'
import { IMPLEMENTATIONS, expectCode, toHex } from './implementations.js'

const key = new Uint8Array(32).fill(1)
const iv = new Uint8Array(12).fill(2)
const tag = new Uint8Array(16).fill(3)

describe.each(IMPLEMENTATIONS)('malformed input: %s', (_kind, codec) => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', '\x01abc'],
    ['a number', 1],
    ['a plain array', [0, 1, 2]],
    ['an ArrayBuffer', new ArrayBuffer(4)],
    ['a DataView', new DataView(new ArrayBuffer(70))],
    ['a Uint16Array', new Uint16Array(70)],
    ['an object with a length', { length: 70, 0: 1 }],
  ])('decode of %s -> WIRE_INVALID_INPUT', (_name, value) => {
    expectCode(() => codec.decodeWirePayload(value as never), 'WIRE_INVALID_INPUT')
  })

  it('decodes a Node Buffer (a Uint8Array subclass) like any Uint8Array', () => {
    const p = codec.decodeWirePayload(Buffer.from([0, 5, 6]))
    expect(p.state === 0 && [...p.ciphertext]).toEqual([5, 6])
  })

  it('an empty view at the end of a used buffer is WIRE_EMPTY, not a read of the byte before it', () => {
    const buffer = Uint8Array.of(2, 2)
    expectCode(() => codec.decodeWirePayload(buffer.subarray(2)), 'WIRE_EMPTY')
  })

  it('a truncated Updated frame cut from a longer valid frame reads nothing past its end', () => {
    const full = codec.encodeWirePayload({ state: 1, token: 7, key, iv, tag, ciphertext: Uint8Array.of(1) })
    for (const n of [1, 2, 9, 40, 68]) {
      const err = expectCode(() => codec.decodeWirePayload(full.subarray(0, n)), 'WIRE_TRUNCATED')
      expect(err.message).toContain(`got ${n} bytes`)
    }
  })

  it('after an error the next decode is unaffected (no state kept between calls)', () => {
    expectCode(() => codec.decodeWirePayload(Uint8Array.of(1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)), 'WIRE_TRUNCATED')
    expectCode(() => codec.decodeWirePayload(new Uint8Array(0)), 'WIRE_EMPTY')
    expect(codec.decodeWirePayload(Uint8Array.of(4))).toEqual({ state: 4 })
    // A short frame after a long one must not see the long one's bytes.
    const updated = codec.encodeWirePayload({ state: 1, token: 3, key, iv, tag, ciphertext: new Uint8Array(0) })
    expect(codec.decodeWirePayload(updated).state).toBe(1)
    expectCode(() => codec.decodeWirePayload(Uint8Array.of(1)), 'WIRE_TRUNCATED')
  })

  it.each([
    ['null', null],
    ['a number', 0],
    ['a string', 'Success'],
  ])('encode of %s -> WIRE_INVALID_INPUT', (_name, value) => {
    expectCode(() => codec.encodeWirePayload(value as never), 'WIRE_INVALID_INPUT')
  })

  it.each([
    ['missing state', {}],
    ['state as a string', { state: '2' }],
    ['state 2.5', { state: 2.5 }],
    ['state NaN', { state: Number.NaN }],
  ])('encode with %s -> WIRE_UNKNOWN_STATE', (_name, value) => {
    expectCode(() => codec.encodeWirePayload(value as never), 'WIRE_UNKNOWN_STATE')
  })

  it('encode of Success/Updated without byte ciphertext -> WIRE_INVALID_INPUT', () => {
    expectCode(() => codec.encodeWirePayload({ state: 0, ciphertext: [1, 2] } as never), 'WIRE_INVALID_INPUT')
    expectCode(() => codec.encodeWirePayload({ state: 1, token: 1, key, iv, tag } as never), 'WIRE_INVALID_INPUT')
  })

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-0.5', -0.5],
    ['a string', '5'],
    ['a bigint', 5n],
    ['undefined', undefined],
  ])('token %s -> WIRE_TOKEN_RANGE', (_name, token) => {
    expectCode(() => codec.encodeWirePayload({ state: 1, token, key, iv, tag, ciphertext: new Uint8Array(1) } as never), 'WIRE_TOKEN_RANGE')
    expectCode(() => codec.createFrame({ token, key, iv, tag } as never, 4), 'WIRE_TOKEN_RANGE')
  })

  it('key/iv/tag that are not byte arrays -> WIRE_FIELD_LENGTH', () => {
    expectCode(() => codec.createFrame({ token: 1, key: 'k'.repeat(32), iv, tag } as never, 0), 'WIRE_FIELD_LENGTH')
    expectCode(() => codec.createFrame({ token: 1, key, iv: new Array(12).fill(0), tag } as never, 0), 'WIRE_FIELD_LENGTH')
    expectCode(() => codec.createFrame({ token: 1, key, iv, tag: new Uint16Array(16) } as never, 0), 'WIRE_FIELD_LENGTH')
  })

  it.each([
    ['-1', -1],
    ['1.5', 1.5],
    ['NaN', Number.NaN],
    ['2^53', 2 ** 53],
    ['a string', '10'],
  ])('createFrame with ciphertext length %s -> WIRE_INVALID_INPUT', (_name, length) => {
    expectCode(() => codec.createFrame(null, length as never), 'WIRE_INVALID_INPUT')
  })

  it('createFrame with a header that is neither null nor an object -> WIRE_INVALID_INPUT', () => {
    expectCode(() => codec.createFrame(undefined as never, 1), 'WIRE_INVALID_INPUT')
    expectCode(() => codec.createFrame(5 as never, 1), 'WIRE_INVALID_INPUT')
  })

  it('writeFrameHeader refuses a frame too short for the header and leaves it unchanged', () => {
    const frame = new Uint8Array(68).fill(0xaa)
    expectCode(() => codec.writeFrameHeader(frame, { token: 1, key, iv, tag }), 'WIRE_INVALID_INPUT')
    expect(frame.every((b) => b === 0xaa)).toBe(true)
    expectCode(() => codec.writeFrameHeader(new Uint8Array(0), null), 'WIRE_INVALID_INPUT')
    expectCode(() => codec.writeFrameHeader([0, 0] as never, null), 'WIRE_INVALID_INPUT')
  })

  it('writeFrameHeader with a bad header changes nothing in the frame', () => {
    const frame = new Uint8Array(80).fill(0xaa)
    const before = toHex(frame)
    expectCode(() => codec.writeFrameHeader(frame, { token: 2 ** 53, key, iv, tag }), 'WIRE_TOKEN_RANGE')
    expectCode(() => codec.writeFrameHeader(frame, { token: 1, key: key.subarray(1), iv, tag }), 'WIRE_FIELD_LENGTH')
    expect(toHex(frame)).toBe(before)
  })

  it('encode does not modify its inputs', () => {
    const ciphertext = Uint8Array.of(9, 8, 7)
    const snapshot = [toHex(key), toHex(iv), toHex(tag), toHex(ciphertext)]
    codec.encodeWirePayload({ state: 1, token: 12345, key, iv, tag, ciphertext })
    expect([toHex(key), toHex(iv), toHex(tag), toHex(ciphertext)]).toEqual(snapshot)
  })

  it('a header whose getters re-enter the codec still gets its own token', () => {
    const other = codec.createFrame({ token: 999, key, iv, tag }, 0).frame
    const sneaky = {
      token: 2 ** 50 + 1,
      get key() {
        codec.decodeWirePayload(other)
        codec.createFrame({ token: 7, key, iv, tag }, 0)
        return key
      },
      iv,
      tag,
    }
    const { frame } = codec.createFrame(sneaky, 0)
    const decoded = codec.decodeWirePayload(frame)
    expect(decoded.state === 1 && decoded.token).toBe(2 ** 50 + 1)
    const inPlace = new Uint8Array(69)
    codec.writeFrameHeader(inPlace, sneaky)
    expect(toHex(inPlace)).toBe(toHex(frame))
  })
})
