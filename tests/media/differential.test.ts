// The two twins agree: on real files, on every truncation, on mutated and random bytes, the TS and
// WASM container codecs give the same info and the same stripped bytes, or the same error code AND
// message. Files above the WASM walker's 64 KiB window exercise its refills.
import fc from 'fast-check'
import sharp from 'sharp'
import { beforeAll, expect, test } from 'vitest'
import { getContainerCodec } from '../../src/media/index.js'
import { PixstoreError } from '../../src/shared/errors.js'
import { animated, sampleAvif, sampleGif, sampleJpeg, samplePng, sampleWebp } from './sample-containers.js'

const ts = getContainerCodec('ts')
const wasm = getContainerCodec('wasm')
const files: Uint8Array[] = []

beforeAll(async () => {
  files.push(await sampleJpeg(6), await samplePng(6), await sampleWebp(6), await sampleGif(), await animated('webp'), await sampleAvif(true), await sampleAvif(false))
  // Larger than the window: noisy pixels, progressive JPEG (several scans), metadata at both ends.
  const noise = Buffer.alloc(600 * 400 * 3)
  for (let i = 0, x = 7; i < noise.length; i++) noise[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24
  const big = sharp(noise, { raw: { width: 600, height: 400, channels: 3 } }).withExif({ IFD0: { Make: 'BIG' } }).withMetadata({ orientation: 8 })
  files.push(new Uint8Array(await big.clone().jpeg({ quality: 95, progressive: true }).toBuffer()))
  files.push(new Uint8Array(await big.clone().png({ compressionLevel: 0 }).toBuffer()))
  files.push(new Uint8Array(await big.clone().webp({ lossless: true }).toBuffer()))
})

function run(fn: () => unknown): unknown {
  try {
    const value = fn()
    return value instanceof Uint8Array ? { bytes: Buffer.from(value).toString('base64') } : value
  } catch (error) {
    if (!(error instanceof PixstoreError)) throw error
    return { code: error.code, message: error.message }
  }
}

function same(bytes: Uint8Array): void {
  expect(run(() => wasm.readImageContainer(bytes))).toEqual(run(() => ts.readImageContainer(bytes)))
  expect(run(() => wasm.stripImageMetadata(bytes))).toEqual(run(() => ts.stripImageMetadata(bytes)))
  expect(run(() => wasm.stripImageMetadata(bytes, { keep: { xmp: true, comment: true } }))).toEqual(
    run(() => ts.stripImageMetadata(bytes, { keep: { xmp: true, comment: true } })),
  )
}

test('real files, including ones larger than the WASM window', () => {
  expect(files.some((f) => f.length > 3 * 65536)).toBe(true)
  for (const f of files) {
    expect(run(() => ts.readImageContainer(f))).not.toHaveProperty('code')
    same(f)
  }
})

test('every truncation of the small real files', () => {
  for (const f of files.slice(0, 7)) for (let end = 0; end <= f.length; end++) same(f.subarray(0, end))
})

test('mutated real files', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: files.length - 1 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean()), { minLength: 1, maxLength: 6 }),
      fc.nat(),
      (which, edits, cut) => {
        const src = files[which]!
        let bytes = Uint8Array.from(src)
        for (const [at, value, insert] of edits) {
          const i = at % bytes.length
          if (insert) {
            const grown = new Uint8Array(bytes.length + 2)
            grown.set(bytes.subarray(0, i))
            grown.set([value, value], i)
            grown.set(bytes.subarray(i), i + 2)
            bytes = grown
          } else bytes[i] = value
        }
        if (cut % 3 === 0) bytes = bytes.subarray(0, cut % (bytes.length + 1))
        same(bytes)
      },
    ),
    { numRuns: 1500 },
  )
})

test('random bytes behind each signature', () => {
  const enc = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0))
  const sigs = [enc('\x89PNG\r\n\x1a\n'), enc('\xff\xd8\xff'), enc('RIFF\x40\0\0\0WEBP'), enc('GIF89a'), enc('\0\0\0\x14ftypavif\0\0\0\0mif1'), new Uint8Array(0)]
  fc.assert(
    fc.property(fc.integer({ min: 0, max: sigs.length - 1 }), fc.uint8Array({ maxLength: 400 }), (s, tail) => {
      const bytes = new Uint8Array(sigs[s]!.length + tail.length)
      bytes.set(sigs[s]!)
      bytes.set(tail, sigs[s]!.length)
      same(bytes)
    }),
    { numRuns: 3000 },
  )
})
