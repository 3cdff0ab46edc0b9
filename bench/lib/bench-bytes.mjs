// Deterministic test bytes shared by the bench suites, so every run (and every contender) gets the
// same input.
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { crc32 } from 'node:zlib'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

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
  const { generateImage } = await import(pathToFileURL(path.join(root, 'scripts/lib/sample-images.mjs')).href)
  const png = generateImage('png', { width: 32, height: 32, seed: 11 })
  const pad = size - png.length - 12
  if (pad < 0) throw new Error('base PNG larger than the target size')
  const chunk = new Uint8Array(12 + pad)
  const view = new DataView(chunk.buffer)
  view.setUint32(0, pad)
  chunk.set(new TextEncoder().encode('pxPd'), 4)
  chunk.set(fill(pad, size), 8)
  view.setUint32(8 + pad, crc32(chunk.subarray(4, 8 + pad)))
  const iend = png.length - 12
  const out = new Uint8Array(size)
  out.set(png.subarray(0, iend), 0)
  out.set(chunk, iend)
  out.set(png.subarray(iend), iend + chunk.length)
  return out
}

/**
 * A valid RGB PNG of `width` × `height` noisy pixels, its IDAT deflated with level 0 (stored
 * blocks), so its size is about 3·width·height bytes and a browser must really decode it (unlike a
 * padded sample). Same `seed`, same bytes.
 */
export async function noisyPng(width, height, seed) {
  const { deflateSync } = await import('node:zlib')
  const stride = 3 * width + 1
  const raw = fill(stride * height, seed)
  for (let y = 0; y < height; y++) raw[y * stride] = 0 // filter type None on every row
  const chunk = (type, data) => {
    const out = new Uint8Array(12 + data.length)
    const view = new DataView(out.buffer)
    view.setUint32(0, data.length)
    out.set(new TextEncoder().encode(type), 4)
    out.set(data, 8)
    view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)))
    return out
  }
  const ihdr = new Uint8Array(13)
  const view = new DataView(ihdr.buffer)
  view.setUint32(0, width)
  view.setUint32(4, height)
  ihdr.set([8, 2, 0, 0, 0], 8) // 8-bit depth, truecolour, deflate, no filter method extras, no interlace
  const parts = [
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 0 })),
    chunk('IEND', new Uint8Array(0)),
  ]
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
