// Ingest with variants: saveImage of a ~12 MP JPEG (GPS EXIF, XMP, ICC, orientation 6) with two presets
// (thumb 320 webp, medium 1280 webp), end to end (sniff, header limits, lossless strip, ThumbHash,
// both renders, AES-GCM sealing of the original and each variant, one SQLite transaction), against the
// floor: sharp doing the same two resizes alone from the same input, concurrently, as our ingest does.
// Rounds are interleaved (ours, floor, floor, ours, ...) so drift on a shared machine hits both
// alike; medians are reported. Peak RSS in a fresh child per contender.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { ingestRssChild, peakRss } from '../lib/peak-rss.mjs'
import { cameraJpeg } from '../lib/bench-bytes.mjs'
import { median } from '../lib/stats.mjs'

const backendUrl = new URL('../../dist/backend/index.js', import.meta.url)
const SECRET = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz'
const PRESETS = { thumb: { width: 320, height: 320, format: 'webp' }, medium: { width: 1280, height: 1280, format: 'webp' } }
const ROUNDS = 12
const WARMUP = 2


// The same source text runs in this process and in the RSS children, so both measure one floor.
const FLOOR_SOURCE = `(sharp, bytes) => Promise.all(Object.values(${JSON.stringify(PRESETS)}).map((p) =>
  sharp(bytes).rotate().resize(p.width, p.height, { fit: 'inside', withoutEnlargement: true }).webp().toBuffer()))`
const floor = eval(FLOOR_SOURCE)

const CHILD = ingestRssChild({
  backendUrl,
  config: { secret: SECRET, defaultEndpointEnabled: false, errorHandlingMode: 'throw', variants: PRESETS },
  floorSource: FLOOR_SOURCE,
})

const childRss = (kind, file, dataDir, n) => peakRss(CHILD, [kind, file, dataDir, n])


// Wall time, and CPU time of this process (libvips' threads included): on a shared machine the CPU
// ratio is the steadier of the two.
async function timed(fn) {
  const cpu = process.cpuUsage()
  const t = performance.now()
  await fn()
  const used = process.cpuUsage(cpu)
  return { wall: performance.now() - t, cpu: (used.user + used.system) / 1000 }
}

export async function run() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pixstore-bench-ingest-variants-'))
  try {
    const b = await import(backendUrl.href)
    const jpeg = await cameraJpeg()
    const file = path.join(dir, 'input.jpg')
    writeFileSync(file, jpeg)
    await b.initPixstoreBackend({ dataDir: path.join(dir, 'time'), secret: SECRET, defaultEndpointEnabled: false, errorHandlingMode: 'throw', variants: PRESETS })
    const record = await b.saveImage(jpeg)
    const sizes = Object.fromEntries(Object.entries(record.variants).map(([name, v]) => [name, `${v.info.width}x${v.info.height} ${v.info.bytes} B`]))
    if (record.variants.medium.info.height !== 1280 || record.variants.thumb.info.height !== 320) throw new Error('unexpected variants: ' + JSON.stringify(sizes))

    const contenders = {
      ours: () => b.saveImage(jpeg),
      floor: () => floor(sharp, jpeg),
    }
    const samples = { ours: [], floor: [] }
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      const order = round % 2 === 0 ? ['ours', 'floor'] : ['floor', 'ours']
      for (const name of order) {
        const ms = await timed(contenders[name])
        if (round >= WARMUP) samples[name].push(ms)
      }
    }
    await b.closePixstoreBackend()
    const stats = (xs) => ({ p50Ms: median(xs.map((x) => x.wall)), cpuP50Ms: median(xs.map((x) => x.cpu)), samples: xs.length })
    const results = {
      'ours: saveImage with thumb 320 + medium 1280 webp (strip + info + thumbhash + 2 renders + seal 3 + store)': stats(samples.ours),
      'sharp floor: the same two resizes alone, concurrently': stats(samples.floor),
    }
    const [oursStats, floorStats] = Object.values(results)
    const ratio = oursStats.p50Ms / floorStats.p50Ms
    const cpuRatio = oursStats.cpuP50Ms / floorStats.cpuP50Ms
    const rss = {
      ours: childRss('ours', file, path.join(dir, 'rss-ours'), 5),
      floor: childRss('floor', file, path.join(dir, 'rss-floor'), 5),
    }
    console.log(`\ningest with variants: ${(jpeg.length / 2 ** 20).toFixed(2)} MiB JPEG 4000x3000 (orientation 6, GPS, XMP, ICC), ${ROUNDS} interleaved rounds, median`)
    for (const [name, r] of Object.entries(results)) console.log(`  ${name}: ${r.p50Ms.toFixed(1)} ms wall, ${r.cpuP50Ms.toFixed(1)} ms CPU`)
    const notes = [
      `saveImage with two variants / sharp floor: ${ratio.toFixed(2)}x wall, ${cpuRatio.toFixed(2)}x CPU (target <= 1.3x)`,
      `variants: ${JSON.stringify(sizes)}`,
      `peak RSS over 5 images in a fresh process: ours ${rss.ours.peakMiB.toFixed(0)} MiB (after init ${rss.ours.baseMiB.toFixed(0)}), sharp floor ${rss.floor.peakMiB.toFixed(0)} MiB (after init ${rss.floor.baseMiB.toFixed(0)})`,
      'ours also stores the 5 MiB original (sealed, synchronous=full SQLite) and computes the ThumbHash; the floor only resizes',
    ]
    for (const note of notes) console.log(note)
    return { name: 'ingest-variants', rows: [{ input: 'JPEG 4000x3000', bytes: jpeg.length, results, ratio, cpuRatio, rss }], notes }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
