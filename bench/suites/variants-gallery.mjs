// A gallery of thumbnails against the same gallery of originals: 12 photo-like JPEGs (4000 x 3000,
// ~5 MiB each) saved with a `thumb` preset (320 inside, webp), served by the built-in endpoint, loaded
// by the frontend's default fetcher (one batch request per gallery) into an empty in-memory cache.
// What a list of thumbnails saves is the point of variants: the wire bytes and the AES-GCM work are
// counted per image (getImageWithInfo), the wall time of the whole gallery is measured. Rounds are
// interleaved (thumbs, originals, originals, thumbs, ...) with the cache cleared before each.
// The photo-like field gets sensor-like grain so that neither the JPEG nor the thumbnail is unrealistically
// small; real photos differ, so read the ratio as an order of magnitude.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { photoPixels } from '../lib/bench-bytes.mjs'
import { median } from '../lib/stats.mjs'

const backend = await import('../../dist/backend/index.js')
const frontend = await import('../../dist/frontend/index.js')

const IMAGES = 12
const ROUNDS = 6
const PRESETS = { thumb: { width: 320, height: 320, format: 'webp' } }


async function photo(i) {
  // Different crops of one photo-like field, so the images are not byte-identical.
  const pixels = photoPixels(4000 + i * 8, 3000)
  // Detail at several scales (fine grain and leaf-sized blobs), so the thumbnail keeps texture as a
  // photo's would: a smooth field shrinks to a few hundred bytes and would flatter the ratio.
  const width = 4000 + i * 8
  const hash = (a, b) => {
    let h = Math.imul(a, 0x27d4eb2d) ^ Math.imul(b, 0x165667b1) ^ (i * 0x9e3779b9)
    h ^= h >>> 15; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13
    return (h & 63) - 32
  }
  for (let y = 0; y < 3000; y++) {
    for (let xPix = 0; xPix < width; xPix++) {
      const o = (y * width + xPix) * 3
      const d = hash(xPix >> 4, y >> 4) + (hash(xPix, y) >> 2)
      for (let c = 0; c < 3; c++) pixels[o + c] = Math.max(0, Math.min(255, pixels[o + c] + d))
    }
  }
  return new Uint8Array(await sharp(pixels, { raw: { width: 4000 + i * 8, height: 3000, channels: 3 } }).jpeg({ quality: 88 }).toBuffer())
}

async function loadGallery(records, variant) {
  await frontend.clearImageCache()
  const started = performance.now()
  const results = await Promise.all(records.map((r) => frontend.getImageWithInfo(r, undefined, variant ? { variant } : undefined)))
  const wallMs = performance.now() - started
  if (results.some((x) => !x || x.source !== 'network')) throw new Error('an image did not load from the network')
  return {
    wallMs,
    wireBytes: results.reduce((n, x) => n + x.wireBytes, 0),
    decryptMs: results.reduce((n, x) => n + x.decryptMs, 0),
    plainBytes: results.reduce((n, x) => n + x.blob.size, 0),
  }
}

export async function run() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pixstore-bench-variants-gallery-'))
  try {
    await backend.initPixstoreBackend({
      dataDir,
      secret: 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz',
      defaultEndpointEnabled: false,
      defaultEndpointListenPort: 0, // any free port
      errorHandlingMode: 'throw',
      variants: PRESETS,
    })
    const endpoint = await backend.startDefaultEndpoint()
    const records = []
    for (let i = 0; i < IMAGES; i++) records.push(await backend.saveImage(await photo(i)))
    frontend.initPixstoreFrontend({ endpointBaseUrl: endpoint.url, useIndexedDB: false, errorHandlingMode: 'throw' })
    const thumbs = []
    const originals = []
    for (let round = 0; round < ROUNDS + 1; round++) {
      const order = round % 2 ? ['orig', 'thumb'] : ['thumb', 'orig']
      for (const which of order) {
        const r = await loadGallery(records, which === 'thumb' ? 'thumb' : undefined)
        if (round > 0) (which === 'thumb' ? thumbs : originals).push(r) // round 0 warms up
      }
    }
    const t = { wireBytes: thumbs[0].wireBytes, plainBytes: thumbs[0].plainBytes, wallMs: median(thumbs.map((x) => x.wallMs)), decryptMs: median(thumbs.map((x) => x.decryptMs)) }
    const o = { wireBytes: originals[0].wireBytes, plainBytes: originals[0].plainBytes, wallMs: median(originals.map((x) => x.wallMs)), decryptMs: median(originals.map((x) => x.decryptMs)) }
    const row = {
      images: IMAGES,
      thumbs: t,
      originals: o,
      bytesRatio: t.wireBytes / o.wireBytes,
      decryptRatio: t.decryptMs / o.decryptMs,
      wallRatio: t.wallMs / o.wallMs,
    }
    const mib = (n) => (n / 2 ** 20).toFixed(2)
    const notes = [
      `[variants-gallery] ${IMAGES} photos 4000x3000 JPEG, thumb 320 webp, ${ROUNDS} interleaved rounds, medians:`,
      `  thumbnails: ${mib(t.wireBytes)} MiB on the wire, decrypt ${t.decryptMs.toFixed(1)} ms (sum), gallery ${t.wallMs.toFixed(1)} ms`,
      `  originals:  ${mib(o.wireBytes)} MiB on the wire, decrypt ${o.decryptMs.toFixed(1)} ms (sum), gallery ${o.wallMs.toFixed(1)} ms`,
      `  thumbnails / originals: bytes ${(row.bytesRatio * 100).toFixed(2)} %, decrypt ${(row.decryptRatio * 100).toFixed(1)} %, wall ${(row.wallRatio * 100).toFixed(1)} %`,
    ]
    for (const note of notes) console.log(note)
    return { name: 'variants-gallery', rows: [row], notes }
  } finally {
    await backend.stopDefaultEndpoint()
    await backend.closePixstoreBackend()
    rmSync(dataDir, { recursive: true, force: true })
  }
}
