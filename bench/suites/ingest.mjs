// Ingest benchmark: saveImage of a ~12 MP JPEG carrying
// GPS EXIF, XMP and an ICC profile, end to end (sniff, header limits, lossless strip, ThumbHash
// decode, seal, SQLite store), against the floor of what `info` needs: sharp metadata() plus one
// 100×100 resize to raw pixels. Also the ingest step alone (no seal, no store). Time in this process;
// peak RSS in a fresh child per contender, so one contender's high-water mark does not hide another's.
// Variants (encrypted resized versions): the ingest-variants suite.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Bench } from 'tinybench'
import sharp from 'sharp'
import { ingestRssChild, peakRss } from '../lib/peak-rss.mjs'
import { cameraJpeg } from '../lib/bench-bytes.mjs'

const backendUrl = new URL('../../dist/backend/index.js', import.meta.url)
const ingestUrl = new URL('../../dist/backend/images/ingest-image.js', import.meta.url)
const configUrl = new URL('../../dist/backend/config/backend-config.js', import.meta.url)
const SECRET = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz'



// The same source text runs in this process and in the RSS children, so both measure one floor.
const FLOOR_SOURCE = `(sharp, bytes) => Promise.all([sharp(bytes).metadata(), sharp(bytes).rotate().resize(100, 100, { fit: 'inside' }).ensureAlpha().raw().toBuffer()])`
const floor = eval(FLOOR_SOURCE)

// One contender, alone in a fresh process: N runs, then its peak RSS (see ingestRssChild).
const CHILD = ingestRssChild({
  backendUrl,
  config: { secret: SECRET, defaultEndpointEnabled: false, errorHandlingMode: 'throw' },
  floorSource: FLOOR_SOURCE,
})

const childRss = (kind, file, dataDir, n) => peakRss(CHILD, [kind, file, dataDir, n])

export async function run() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pixstore-bench-ingest-'))
  try {
    const b = await import(backendUrl.href)
    const { ingestImage } = await import(ingestUrl.href)
    const { resolveBackendConfig } = await import(configUrl.href)
    const config = resolveBackendConfig({})
    const jpeg = await cameraJpeg()
    const file = path.join(dir, 'input.jpg')
    writeFileSync(file, jpeg)
    await b.initPixstoreBackend({ dataDir: path.join(dir, 'time'), secret: SECRET, defaultEndpointEnabled: false, errorHandlingMode: 'throw' })
    const record = await b.saveImage(jpeg)
    if (record.info.width !== 3000 || record.info.height !== 4000) throw new Error('unexpected info: ' + JSON.stringify(record.info))

    const bench = new Bench({ time: 2000, warmupTime: 200, iterations: 8, warmupIterations: 2, retainSamples: false })
    bench.add('ours: saveImage (strip + info + thumbhash + seal + store)', () => b.saveImage(jpeg))
    bench.add('ours: ingest only (strip + info + thumbhash)', () => ingestImage(jpeg, config))
    bench.add('sharp floor: metadata() + 100×100 resize', () => floor(sharp, jpeg))
    await bench.run()
    await b.closePixstoreBackend()
    const results = {}
    for (const task of bench.tasks) {
      const r = task.result
      if (!r || r.state !== 'completed') throw new Error(`task ${task.name} did not complete: ${r?.state} ${r?.error ?? ''}`)
      results[task.name] = { p50Ms: r.latency.p50, meanMs: r.latency.mean, samples: r.latency.samplesCount }
    }
    const [ours, ingestOnly, sharpFloor] = Object.values(results)
    const rss = {
      ours: childRss('ours', file, path.join(dir, 'rss-ours'), 5),
      floor: childRss('floor', file, path.join(dir, 'rss-floor'), 5),
    }
    console.log(`\ningest: ${(jpeg.length / 2 ** 20).toFixed(2)} MiB JPEG 4000x3000 (orientation 6, GPS, XMP, ICC), median per image`)
    for (const [name, r] of Object.entries(results)) console.log(`  ${name}: ${r.p50Ms.toFixed(1)} ms (${r.samples} samples)`)
    const notes = [
      `saveImage / sharp floor: ${(ours.p50Ms / sharpFloor.p50Ms).toFixed(2)}x; ingest only / floor: ${(ingestOnly.p50Ms / sharpFloor.p50Ms).toFixed(2)}x`,
      `peak RSS over 5 images in a fresh process: ours ${rss.ours.peakMiB.toFixed(0)} MiB (after init ${rss.ours.baseMiB.toFixed(0)}), sharp floor ${rss.floor.peakMiB.toFixed(0)} MiB (after init ${rss.floor.baseMiB.toFixed(0)})`,
      'the sharp floor is what info needs at least (header facts + one decode to 100×100); ours adds the sniff, the lossless strip, the ThumbHash, AES-GCM sealing and a synchronous=full SQLite write',
      'no variants configured here; ingest with two variants against its own floor: the ingest-variants suite',
    ]
    for (const note of notes) console.log(note)
    return { name: 'ingest', rows: [{ input: 'JPEG 4000x3000', bytes: jpeg.length, results, rss }], notes }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
