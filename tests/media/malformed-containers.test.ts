// Strict and bounded: truncated, mutated and hostile files give a PixstoreError with a stable code
// (never another exception, never an out-of-range read turned into a wrong answer, never a hang);
// bomb-sized headers are read as they are so the ingest can refuse them before decoding.
import fc from 'fast-check'
import { crc32 } from 'node:zlib'
import { beforeAll, describe, expect, test } from 'vitest'
import { getContainerCodec, MAX_STRIP_PIECES, MAX_STRUCTURES } from '../../src/media/index.js'
import { PixstoreError } from '../../src/shared/errors.js'
import { animated, pngChunk, sampleAvif, sampleGif, sampleJpeg, samplePng, sampleWebp } from './sample-containers.js'

const CODES = new Set(['IMAGE_INVALID', 'IMAGE_EMPTY', 'IMAGE_UNSUPPORTED_FORMAT'])
const real: Record<string, Uint8Array> = {}
beforeAll(async () => {
  real.jpeg = await sampleJpeg(6)
  real.png = await samplePng(6)
  real.webp = await sampleWebp(6)
  real.gif = await sampleGif()
  real.webpAnim = await animated('webp')
  real.avif = await sampleAvif(false)
  real.avifMeta = await sampleAvif(true)
})

function outcome(fn: () => unknown): string {
  try {
    fn()
    return 'ok'
  } catch (error) {
    if (!(error instanceof PixstoreError) || !CODES.has(error.code)) throw error
    return `${error.code}: ${error.message}`
  }
}

const ihdr = (w: number, h: number) => {
  const d = new Uint8Array(13)
  const v = new DataView(d.buffer)
  v.setUint32(0, w)
  v.setUint32(4, h)
  d.set([8, 2, 0, 0, 0], 8)
  return pngChunk('IHDR', d)
}
const PNG_SIG = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)
const cat = (...p: Uint8Array[]) => Uint8Array.from(p.flatMap((x) => [...x]))
const message = (fn: () => unknown) => outcome(fn)

describe.each(['ts', 'wasm'] as const)('%s container codec on bad input', (kind) => {
  const codec = () => getContainerCodec(kind)

  test('every truncation of every real file: a coded error or a valid read, for read and strip', () => {
    for (const [name, file] of Object.entries(real)) {
      for (let end = 0; end < file.length; end++) {
        const cut = file.subarray(0, end)
        outcome(() => codec().readImageContainer(cut))
        outcome(() => codec().stripImageMetadata(cut))
      }
      expect(outcome(() => codec().readImageContainer(file)), name).toBe('ok')
    }
    // Cut just past the signature: the fault names the format's structure.
    expect(message(() => codec().readImageContainer(real.png!.subarray(0, 20)))).toBe('IMAGE_INVALID: PNG chunk at byte 8 runs past the end of the file')
    expect(message(() => codec().stripImageMetadata(real.jpeg!.subarray(0, real.jpeg!.length - 2)))).toMatch(
      /^IMAGE_INVALID: JPEG ends at byte \d+ without an end-of-image marker$/,
    )
  })

  test('mutated real files (flips, overwrites, splices) never throw anything but a coded PixstoreError', () => {
    const files = Object.values(real)
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: files.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 8 }),
        (which, edits) => {
          let bytes = Uint8Array.from(files[which]!)
          for (const [at, value, op] of edits) {
            const i = at % Math.max(1, bytes.length)
            if (op === 0) bytes[i] = value
            else if (op === 1) bytes = cat(bytes.subarray(0, i), Uint8Array.of(value, value, value, value), bytes.subarray(i))
            else bytes = cat(bytes.subarray(0, i), bytes.subarray(Math.min(bytes.length, i + 1 + (value & 15))))
          }
          outcome(() => codec().readImageContainer(bytes))
          outcome(() => codec().stripImageMetadata(bytes))
        },
      ),
      { numRuns: 1500 },
    )
  })

  test('random bytes behind each signature', () => {
    const sigs = [PNG_SIG, Uint8Array.of(0xff, 0xd8, 0xff), new TextEncoder().encode('RIFF\x10\0\0\0WEBP'), new TextEncoder().encode('GIF89a'), new TextEncoder().encode('\0\0\0\x18ftypavif')]
    fc.assert(
      fc.property(fc.integer({ min: 0, max: sigs.length - 1 }), fc.uint8Array({ maxLength: 300 }), (s, tail) => {
        const bytes = cat(sigs[s]!, tail)
        outcome(() => codec().readImageContainer(bytes))
        outcome(() => codec().stripImageMetadata(bytes))
      }),
      { numRuns: 2000 },
    )
  })

  test('a 100000×100000 header is read as such (the ingest refuses it by maxImagePixels before decoding)', () => {
    const png = cat(PNG_SIG, ihdr(100_000, 100_000), pngChunk('IEND', new Uint8Array(0)))
    expect(codec().readImageContainer(png)).toMatchObject({ format: 'png', width: 100_000, height: 100_000 })
    const vp8x = new Uint8Array(18)
    vp8x.set(new TextEncoder().encode('VP8X'), 0)
    new DataView(vp8x.buffer).setUint32(4, 10, true)
    vp8x.set([99_999 & 255, (99_999 >> 8) & 255, 99_999 >> 16, 99_999 & 255, (99_999 >> 8) & 255, 99_999 >> 16], 12)
    const riff = cat(new TextEncoder().encode('RIFF'), Uint8Array.of(22, 0, 0, 0), new TextEncoder().encode('WEBP'), vp8x)
    expect(codec().readImageContainer(riff)).toMatchObject({ format: 'webp', width: 100_000, height: 100_000 })
    const jpeg = Uint8Array.of(0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, 0xff, 0xff, 0xff, 0xff, 1, 1, 0x11, 0, 0xff, 0xda, 0, 2)
    expect(codec().readImageContainer(jpeg)).toMatchObject({ format: 'jpeg', width: 65535, height: 65535 })
  })

  test('named faults: empty, unknown, chunk length, segment length, missing IEND, zero size', () => {
    expect(message(() => codec().readImageContainer(new Uint8Array(0)))).toBe('IMAGE_EMPTY: image is empty')
    expect(message(() => codec().readImageContainer(new TextEncoder().encode('BM not an image')))).toMatch(/^IMAGE_UNSUPPORTED_FORMAT: /)
    const huge = pngChunk('tEXt', new Uint8Array(0))
    new DataView(huge.buffer).setUint32(0, 0x80000000)
    expect(message(() => codec().readImageContainer(cat(PNG_SIG, ihdr(4, 4), huge)))).toBe('IMAGE_INVALID: PNG chunk at byte 33 declares length 2147483648, above 2^31-1')
    expect(message(() => codec().readImageContainer(cat(PNG_SIG, ihdr(4, 4))))).toBe('IMAGE_INVALID: PNG ends at byte 33 without an IEND chunk')
    expect(message(() => codec().readImageContainer(cat(PNG_SIG, ihdr(0, 4))))).toBe('IMAGE_INVALID: PNG IHDR declares a zero or out-of-range size')
    expect(message(() => codec().readImageContainer(Uint8Array.of(0xff, 0xd8, 0xff, 0xe1, 0, 1)))).toBe('IMAGE_INVALID: JPEG segment at byte 2 declares length 1, below 2')
    expect(message(() => codec().readImageContainer(Uint8Array.of(0xff, 0xd8, 0xff, 0xda, 0, 2)))).toBe(
      'IMAGE_INVALID: JPEG reaches a scan or the end of the image at byte 2 before any frame header',
    )
    expect(message(() => codec().readImageContainer(new TextEncoder().encode('\0\0\0\x10ftypheic\0\0\0\0')))).toBe(
      'IMAGE_UNSUPPORTED_FORMAT: ISOBMFF file without an avif or avis brand (not AVIF)',
    )
    expect(() => codec().readImageContainer('png' as unknown as Uint8Array)).toThrow(expect.objectContaining({ code: 'ARGUMENT_INVALID' }))
    expect(() => codec().stripImageMetadata(real.png!, { keep: { gps: true } } as never)).toThrow(expect.objectContaining({ code: 'ARGUMENT_INVALID' }))
  })

  test(`a walk stops after ${MAX_STRUCTURES} structures and a strip after ${MAX_STRIP_PIECES} pieces`, () => {
    const empty = new Uint8Array(12)
    empty.set(new TextEncoder().encode('prVt'), 4)
    new DataView(empty.buffer).setUint32(8, crc32(empty.subarray(4, 8)))
    const many = new Uint8Array(33 + 12 * (MAX_STRUCTURES + 1))
    many.set(cat(PNG_SIG, ihdr(1, 1)), 0)
    for (let i = 0; i < MAX_STRUCTURES; i++) many.set(empty, 33 + i * 12)
    expect(message(() => codec().readImageContainer(many))).toMatch(/^IMAGE_INVALID: more than 100000 chunks, segments or blocks before byte \d+$/)
    // Alternating kept and dropped chunks: each kept run is one output piece.
    const text = pngChunk('tEXt', new TextEncoder().encode('a\0b'))
    const parts = [PNG_SIG, ihdr(1, 1)]
    for (let i = 0; i <= MAX_STRIP_PIECES; i++) parts.push(text, empty)
    parts.push(pngChunk('IEND', new Uint8Array(0)))
    const alternating = cat(...parts)
    expect(codec().readImageContainer(alternating).metadata.comment).toBe(true)
    expect(message(() => codec().stripImageMetadata(alternating))).toBe(`IMAGE_INVALID: more than ${MAX_STRIP_PIECES} metadata pieces to drop`)
  })
})
