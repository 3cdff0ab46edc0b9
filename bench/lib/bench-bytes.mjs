// Deterministic test bytes shared by the bench suites, so every run (and every contender) gets the
// same input.
import { deflateSync } from 'node:zlib'
import sharp from 'sharp'
import { concat, generateImage, pngChunk } from '../../scripts/lib/sample-images.mjs'

/** `length` pseudo-random bytes from `seed` (an LCG: cheap, and the same on every run). */
export function fill(length, seed) {
  const out = new Uint8Array(length)
  let x = seed
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    out[i] = x >>> 24
  }
  return out
}

/**
 * A decodable PNG of exactly `size` bytes: a demo sample padded with a private ancillary chunk
 * ('pxPd': lower-case first letter, so decoders skip it), so the backend sniffs a real image.
 */
export async function pngOfSize(size) {
  const png = generateImage('png', { width: 32, height: 32, seed: 11 })
  const pad = size - png.length - 12
  if (pad < 0) throw new Error('base PNG larger than the target size')
  const iend = png.length - 12
  return concat([png.subarray(0, iend), pngChunk('pxPd', fill(pad, size)), png.subarray(iend)])
}

/**
 * A valid RGB PNG of `width` × `height` noisy pixels, its IDAT deflated with level 0 (stored
 * blocks), so its size is about 3·width·height bytes and a browser must really decode it (unlike a
 * padded sample). Same `seed`, same bytes.
 */
export async function noisyPng(width, height, seed) {
  const stride = 3 * width + 1
  const raw = fill(stride * height, seed)
  for (let y = 0; y < height; y++) raw[y * stride] = 0 // filter type None on every row
  const ihdr = new Uint8Array(13)
  const view = new DataView(ihdr.buffer)
  view.setUint32(0, width)
  view.setUint32(4, height)
  ihdr.set([8, 2, 0, 0, 0], 8) // 8-bit depth, truecolour, deflate, no filter method extras, no interlace
  return concat([
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw, { level: 0 })),
    pngChunk('IEND', new Uint8Array(0)),
  ])
}

/** Raw RGB pixels of a smooth scene with mild noise (`width` × `height` × 3 bytes): it compresses like a
 * photo, not like flat colour or pure noise. Same size, same bytes. */
export function photoPixels(width, height) {
  const raw = Buffer.alloc(width * height * 3)
  let x = 12345
  for (let y = 0, i = 0; y < height; y++) {
    for (let c = 0; c < width; c++) {
      x = (x * 1103515245 + 12345) >>> 0
      const n = (x >>> 27) - 16
      raw[i++] = ((c * 255) / width + n) & 255
      raw[i++] = ((y * 255) / height + n) & 255
      raw[i++] = (((c + y) * 127) / (width + height) + 64 + n) & 255
    }
  }
  return raw
}

/**
 * A 12 MP camera-like JPEG (4000 x 3000 photo-like pixels, quality 90) carrying what a phone writes:
 * a P3 ICC profile, EXIF with a body serial and GPS position, XMP, orientation 6. The ingest suites'
 * input, so both measure the same strip, orientation and resize work.
 */
export async function cameraJpeg() {
  return new Uint8Array(
    await sharp(photoPixels(4000, 3000), { raw: { width: 4000, height: 3000, channels: 3 } })
      .withIccProfile('p3')
      .withExif({ IFD2: { BodySerialNumber: 'SERIAL-BENCH-1' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2964/100' } })
      .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>')
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 90 })
      .toBuffer(),
  )
}
