import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { tsCodec } from '../../src/codec/ts/ts-codec.js'
import { MAX_BATCH_ITEMS } from '../../src/shared/protocol.js'
import type { PixstoreErrorCode } from '../../src/shared/errors.js'
import type { WirePayload } from '../../src/types/index.js'
import { IMPLEMENTATIONS, expectCode, fromHex, outcome, toHex, wasmCodec } from './implementations.js'

const vectors = JSON.parse(readFileSync(new URL('../fixtures/wire-vectors.json', import.meta.url), 'utf8')) as {
  batchValid: Array<{ name: string; container: string; payloads: Array<Record<string, unknown>> }>
  batchInvalid: Array<{ name: string; container: string; code: PixstoreErrorCode }>
}

function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return toHex(value)
  if (Array.isArray(value)) return value.map(plain)
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]))
  return value
}

/** The frames of a valid container, cut by its directory (test-side, independent of the codecs). */
function framesOf(container: Uint8Array): Uint8Array[] {
  const view = new DataView(container.buffer, container.byteOffset, container.byteLength)
  const count = view.getUint16(2, true)
  let at = 4 + 4 * count
  return Array.from({ length: count }, (_, i) => {
    const n = view.getUint32(4 + 4 * i, true)
    at += n
    return container.subarray(at - n, at)
  })
}

describe('the batch vectors cover what the format fixes', () => {
  it('malformed containers of every listed kind, and a v1 decoder refuses a container as an unknown state', () => {
    const names = vectors.batchInvalid.map((v) => v.name).join('\n')
    for (const kind of ['empty', 'bad magic', 'version', 'count 0', 'count 257', 'directory truncated', 'add up', 'zero-length', 'truncated Updated']) {
      expect(names).toContain(kind)
    }
    for (const [, codec] of IMPLEMENTATIONS) expectCode(() => codec.decodeWirePayload(fromHex(vectors.batchValid[0]!.container)), 'WIRE_UNKNOWN_STATE')
  })
})

describe.each(IMPLEMENTATIONS)('batch container: %s', (_kind, codec) => {
  it.each(vectors.batchValid)('decodes $name', ({ container, payloads }) => {
    const bytes = fromHex(container)
    expect(plain(codec.decodeBatch(bytes))).toEqual(payloads)
    expect(plain(codec.decodeBatch(bytes, payloads.length))).toEqual(payloads)
  })

  it.each(vectors.batchValid)('encodes $name (encodeBatch, and encodeBatchHeader + frames)', ({ container }) => {
    const bytes = fromHex(container)
    const frames = framesOf(bytes).map((f) => Uint8Array.from(f))
    expect(toHex(codec.encodeBatch(frames))).toBe(container)
    const header = codec.encodeBatchHeader(frames.map((f) => f.length))
    expect(toHex(header)).toBe(container.slice(0, 2 * (4 + 4 * frames.length)))
  })

  it.each(vectors.batchInvalid)('rejects $name with $code', ({ container, code }) => {
    const bytes = fromHex(container)
    expectCode(() => codec.decodeBatch(bytes), code)
    expect(toHex(bytes)).toBe(container)
  })

  it('byte fields are views into the container; frames in order', () => {
    const bytes = fromHex(vectors.batchValid.find((v) => v.name.includes('in that order'))!.container)
    const [a, b, c] = codec.decodeBatch(bytes) as [WirePayload, WirePayload, WirePayload]
    expect([a.state, b.state, c.state]).toEqual([0, 1, 2])
    if (a.state !== 0 || b.state !== 1) throw new Error('unexpected states')
    for (const view of [a.ciphertext, b.key, b.ciphertext]) expect(view.buffer).toBe(bytes.buffer)
    expect(a.ciphertext.byteOffset).toBe(4 + 12 + 1)
    expect(b.ciphertext.byteOffset).toBe(4 + 12 + 2 + 69)
  })

  it('an item error keeps its v1 code and names the item', () => {
    const bad = codec.encodeBatchHeader([1, 1])
    const error = expectCode(() => codec.decodeBatch(Uint8Array.of(...bad, 2, 9)), 'WIRE_UNKNOWN_STATE')
    expect(error.message).toBe('batch item 1: unknown wire state 9')
  })

  it('expectedCount: a mismatch is WIRE_BATCH_COUNT, a bad value WIRE_INVALID_INPUT', () => {
    const bytes = codec.encodeBatch([Uint8Array.of(2), Uint8Array.of(3)])
    expect(expectCode(() => codec.decodeBatch(bytes, 3), 'WIRE_BATCH_COUNT').message).toBe('batch has 2 items, expected 3')
    for (const bad of [0, 1.5, 257, '2', null]) expectCode(() => codec.decodeBatch(bytes, bad as never), 'WIRE_INVALID_INPUT')
    expectCode(() => codec.decodeBatch([0xba, 1, 1, 0] as never), 'WIRE_INVALID_INPUT')
  })

  it('encodeBatchHeader refuses what the decoder would refuse', () => {
    expectCode(() => codec.encodeBatchHeader('1,2' as never), 'WIRE_INVALID_INPUT')
    expectCode(() => codec.encodeBatchHeader([]), 'WIRE_BATCH_COUNT')
    expectCode(() => codec.encodeBatchHeader(new Array(MAX_BATCH_ITEMS + 1).fill(1)), 'WIRE_BATCH_COUNT')
    for (const bad of [0, -1, 1.5, 2 ** 32, Number.NaN, '5', undefined]) {
      const error = expectCode(() => codec.encodeBatchHeader([1, bad as never]), 'WIRE_BATCH_LENGTHS')
      expect(error.message).toBe('batch item 1 length must be an integer from 1 to 4294967295')
    }
    expect(codec.encodeBatchHeader(new Array(MAX_BATCH_ITEMS).fill(2 ** 32 - 1)).length).toBe(4 + 4 * MAX_BATCH_ITEMS)
  })

  it('encodeBatch refuses non-frames and invalid v1 frames (each by its v1 code)', () => {
    expectCode(() => codec.encodeBatch(Uint8Array.of(2) as never), 'WIRE_INVALID_INPUT')
    expectCode(() => codec.encodeBatch([]), 'WIRE_BATCH_COUNT')
    expectCode(() => codec.encodeBatch([Uint8Array.of(2), [2] as never]), 'WIRE_INVALID_INPUT')
    expect(expectCode(() => codec.encodeBatch([Uint8Array.of(2), new Uint8Array(0)]), 'WIRE_EMPTY').message).toBe('batch item 1: wire payload is empty')
    expectCode(() => codec.encodeBatch([Uint8Array.of(1, 2)]), 'WIRE_TRUNCATED')
    expectCode(() => codec.encodeBatch([codec.encodeBatch([Uint8Array.of(2)])]), 'WIRE_UNKNOWN_STATE')
  })
})

// ---- properties and differential fuzzing
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n })
const frame: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 40 }).map((c) => tsCodec.encodeWirePayload({ state: 0, ciphertext: c })),
  fc
    .record({ token: fc.maxSafeNat(), key: bytes(32), iv: bytes(12), tag: bytes(16), ciphertext: fc.uint8Array({ maxLength: 40 }) })
    .map((p) => tsCodec.encodeWirePayload({ state: 1, ...p })),
  fc.constantFrom(2, 3, 4, 5, 6).map((s) => Uint8Array.of(s)),
)
const frames = fc.array(frame, { minLength: 1, maxLength: 12 })

describe.each(IMPLEMENTATIONS)('readBatchDirectory: %s', (_kind, codec) => {
  it.each(vectors.batchValid)('reads the frame lengths of $name from its directory alone', ({ container }) => {
    const bytes = fromHex(container)
    const lengths = framesOf(bytes).map((f) => f.length)
    const directory = 4 + 4 * lengths.length
    expect(codec.readBatchDirectory(bytes.subarray(0, directory), bytes.length)).toEqual(lengths)
    expect(codec.readBatchDirectory(bytes.subarray(0, directory + 1), bytes.length, lengths.length)).toEqual(lengths)
    expect(codec.readBatchDirectory(bytes, bytes.length)).toEqual(lengths)
    expectCode(() => codec.readBatchDirectory(bytes.subarray(0, directory), bytes.length, lengths.length === MAX_BATCH_ITEMS ? 1 : lengths.length + 1), 'WIRE_BATCH_COUNT')
    // The total is what the lengths are checked against: one byte more or less is refused.
    expectCode(() => codec.readBatchDirectory(bytes.subarray(0, directory), bytes.length + 1), 'WIRE_BATCH_LENGTHS')
    expectCode(() => codec.readBatchDirectory(bytes.subarray(0, directory), bytes.length - 1), 'WIRE_BATCH_LENGTHS')
  })

  it.each(vectors.batchInvalid)('refuses $name as decodeBatch does, unless only a frame is at fault', ({ container }) => {
    const bytes = fromHex(container)
    const whole = outcome(() => codec.decodeBatch(bytes))
    const directory = outcome(() => codec.readBatchDirectory(bytes, bytes.length))
    if ('ok' in directory) expect((whole as { message: string }).message).toMatch(/^batch item \d+: /)
    else expect(directory).toEqual(whole)
  })

  it('needs the whole directory in the head, and no more bytes than the container has', () => {
    const bytes = codec.encodeBatch([Uint8Array.of(2), Uint8Array.of(3)])
    expectCode(() => codec.readBatchDirectory(bytes.subarray(0, 11), bytes.length), 'WIRE_INVALID_INPUT')
    expectCode(() => codec.readBatchDirectory(bytes.subarray(0, 3), bytes.length), 'WIRE_INVALID_INPUT')
    expectCode(() => codec.readBatchDirectory(bytes, bytes.length - 1), 'WIRE_INVALID_INPUT')
    expectCode(() => codec.readBatchDirectory(bytes, -1), 'WIRE_INVALID_INPUT')
    expectCode(() => codec.readBatchDirectory(bytes, 1.5), 'WIRE_INVALID_INPUT')
    expectCode(() => codec.readBatchDirectory([] as never, 0), 'WIRE_INVALID_INPUT')
    // A container shorter than its directory: the head is all of it, and that is WIRE_TRUNCATED.
    expectCode(() => codec.readBatchDirectory(bytes.subarray(0, 9), 9), 'WIRE_TRUNCATED')
  })

  it('agrees with decodeBatch on any encoded container, from the directory alone', () => {
    fc.assert(
      fc.property(frames, (fs) => {
        const container = codec.encodeBatch(fs)
        expect(codec.readBatchDirectory(container.subarray(0, 4 + 4 * fs.length), container.length, fs.length)).toEqual(fs.map((f) => f.length))
      }),
      { numRuns: 300 },
    )
  })
})

describe.each(IMPLEMENTATIONS)('batch properties: %s', (_kind, codec) => {
  it('decodeBatch(encodeBatch(frames)) gives each frame decoded by the v1 decoder, in order', () => {
    fc.assert(
      fc.property(frames, (fs) => {
        expect(plain(codec.decodeBatch(codec.encodeBatch(fs), fs.length))).toEqual(plain(fs.map((f) => codec.decodeWirePayload(f))))
      }),
      { numRuns: 300 },
    )
  })
})

describe('batch differential: WASM and TS give the same result or the same code AND message', () => {
  function same(run: (codec: typeof tsCodec) => unknown): void {
    expect(plain(outcome(() => run(wasmCodec)))).toEqual(plain(outcome(() => run(tsCodec))))
  }
  const mutated = fc
    .tuple(frames, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.integer({ min: -3, max: 3 }))
    .map(([fs, flips, resize]) => {
      const encoded = tsCodec.encodeBatch(fs)
      const out = new Uint8Array(Math.max(0, encoded.length + resize))
      out.set(encoded.subarray(0, out.length))
      // Flips land in the directory half the time (where the checks are).
      for (const [at, value] of flips) if (out.length > 0) out[at % Math.min(out.length, at % 2 ? out.length : 4 + 4 * fs.length)] = value
      return out
    })
  const headLike = fc
    .tuple(fc.constantFrom(0xba, 0xba, 0xba, 0, 2), fc.constantFrom(1, 1, 1, 0, 2), fc.integer({ min: 0, max: 300 }), fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 8 }), fc.uint8Array({ maxLength: 40 }))
    .map(([magic, version, count, lengths, tail]) => {
      const out = new Uint8Array(4 + 4 * lengths.length + tail.length)
      const view = new DataView(out.buffer)
      out[0] = magic
      out[1] = version
      view.setUint16(2, count, true)
      lengths.forEach((n, i) => view.setUint32(4 + 4 * i, n, true))
      out.set(tail, 4 + 4 * lengths.length)
      return out
    })

  it('random byte strings decode the same', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 60 }), (b) => same((c) => c.decodeBatch(b))), { numRuns: 1000 })
  })

  it('container-shaped byte strings decode the same', () => {
    fc.assert(fc.property(headLike, (b) => same((c) => c.decodeBatch(b))), { numRuns: 2000 })
  })

  it('mutated valid containers decode the same, with and without an expected count', () => {
    fc.assert(fc.property(mutated, fc.option(fc.integer({ min: 1, max: 12 })), (b, n) => same((c) => c.decodeBatch(b, n ?? undefined))), { numRuns: 1000 })
  })

  it('readBatchDirectory of any head and total gives the same lengths or the same error', () => {
    const total = (b: Uint8Array) => fc.integer({ min: b.length, max: b.length + 40 })
    fc.assert(fc.property(headLike.chain((b) => fc.tuple(fc.constant(b), total(b))), ([b, n]) => same((c) => c.readBatchDirectory(b, n))), { numRuns: 2000 })
    fc.assert(fc.property(mutated, fc.option(fc.integer({ min: 1, max: 12 })), (b, n) => same((c) => c.readBatchDirectory(b, b.length, n ?? undefined))), { numRuns: 1000 })
  })

  it('random encodeBatchHeader / encodeBatch inputs give the same bytes or the same error', () => {
    const length = fc.oneof(fc.integer({ min: 0, max: 2 ** 32 }), fc.double(), fc.constantFrom('1', null, -0))
    fc.assert(fc.property(fc.array(length, { maxLength: 5 }), (ls) => same((c) => c.encodeBatchHeader(ls as never))), { numRuns: 1000 })
    const item = fc.oneof(frame, fc.uint8Array({ maxLength: 5 }))
    fc.assert(fc.property(fc.array(item, { maxLength: 5 }), (fs) => same((c) => c.encodeBatch(fs))), { numRuns: 1000 })
  })
})
