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
  const { generateImage } = await import(pathToFileURL(path.join(root, 'demo/sample-images.mjs')).href)
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
