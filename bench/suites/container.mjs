// Container benchmark (issue "An image store, not a blob store"): read (format, size, orientation,
// frames, metadata kinds from the headers) and lossless strip of a ~12 MP JPEG, a ~1 MiB PNG (720x540 photo-like noise) and a
// WebP, each carrying GPS EXIF, XMP and an ICC profile. Contenders: our TS and WASM twins, image-size
// (dimensions only) and sharp metadata() for the read; for the strip, sharp is the only library path
// and it RE-ENCODES the pixels (decode + encode, lossy for JPEG/WebP), so it is not the same job:
// it is what the ingest would pay without a container-level stripper.
import { Bench } from 'tinybench'
import sharp from 'sharp'
import { imageSize } from 'image-size'
import { photoPixels } from '../lib/bench-bytes.mjs'

const mediaUrl = new URL('../../dist/media/index.js', import.meta.url)
const TIME_MS = 400
const WARMUP_MS = 100


function tagged(raw, width, height) {
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .withIccProfile('p3')
    .withExif({
      IFD0: { Make: 'BenchCam', Model: 'B1' },
      IFD2: { BodySerialNumber: 'SERIAL-BENCH-1' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2964/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 17/1 4020/100' },
    })
    .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>')
    .withMetadata({ orientation: 6 })
}

async function inputs() {
  const big = photoPixels(4000, 3000)
  const jpeg = new Uint8Array(await tagged(big, 4000, 3000).jpeg({ quality: 90 }).toBuffer())
  const mid = photoPixels(720, 540)
  const png = new Uint8Array(await tagged(mid, 720, 540).png({ compressionLevel: 6 }).toBuffer())
  const webp = new Uint8Array(await tagged(big, 4000, 3000).webp({ quality: 80, effort: 0 }).toBuffer())
  return [
    { label: 'JPEG 4000x3000', format: 'jpeg', bytes: jpeg },
    { label: 'PNG 720x540', format: 'png', bytes: png },
    { label: 'WebP 4000x3000', format: 'webp', bytes: webp },
  ]
}

async function measure(tasks) {
  // At least 5 samples (sharp re-encodes take seconds), else as many as fit in TIME_MS.
  const bench = new Bench({ time: TIME_MS, warmupTime: WARMUP_MS, iterations: 5, warmupIterations: 2, retainSamples: false })
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn)
  await bench.run()
  const out = {}
  for (const task of bench.tasks) {
    const r = task.result
    if (!r || r.state !== 'completed') throw new Error(`task ${task.name} did not complete: ${r?.state} ${r?.error ?? ''}`)
    out[task.name] = { p50Us: r.latency.p50 * 1000, meanUs: r.latency.mean * 1000, samples: r.latency.samplesCount }
  }
  return out
}

const fmt = (us) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`)
const size = (n) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(2)} MiB` : `${(n / 1024).toFixed(0)} KiB`)

export async function run() {
  const { getContainerCodec } = await import(mediaUrl.href)
  const ts = getContainerCodec('ts')
  const wasm = getContainerCodec('wasm')
  const files = await inputs()
  const rows = []
  console.log('\ncontainer: median time per call (lower is better)')
  for (const { label, format, bytes } of files) {
    // Same answer first: the contenders must agree before their times mean anything.
    const a = ts.readImageContainer(bytes)
    const b = wasm.readImageContainer(bytes)
    const m = await sharp(bytes).metadata()
    const s = imageSize(bytes)
    if (JSON.stringify(a) !== JSON.stringify(b) || a.width !== m.width || a.height !== m.height || a.orientation !== m.orientation || s.width !== a.width) {
      throw new Error(`${label}: contenders disagree on the read`)
    }
    const strippedTs = ts.stripImageMetadata(bytes)
    if (Buffer.compare(strippedTs, wasm.stripImageMetadata(bytes)) !== 0) throw new Error(`${label}: twins disagree on the strip`)

    const read = await measure({
      ts: () => ts.readImageContainer(bytes),
      wasm: () => wasm.readImageContainer(bytes),
      'image-size': () => imageSize(bytes),
      'sharp metadata()': () => sharp(bytes).metadata(),
    })
    rows.push({ op: 'read', input: label, bytes: bytes.length, results: read })
    const strip = await measure({
      ts: () => ts.stripImageMetadata(bytes),
      wasm: () => wasm.stripImageMetadata(bytes),
      'sharp re-encode': () => sharp(bytes).keepIccProfile().withMetadata({ orientation: 6 })[format]().toBuffer(),
    })
    rows.push({ op: 'strip', input: label, bytes: bytes.length, outBytes: strippedTs.length, results: strip })
    for (const row of rows.slice(-2)) {
      console.log(`${row.op.padEnd(5)} ${label} (${size(bytes.length)}): ` + Object.entries(row.results).map(([k, v]) => `${k} ${fmt(v.p50Us)}`).join(' | '))
    }
  }
  const notes = []
  for (const row of rows) {
    const { ts: t, wasm: w } = row.results
    notes.push(`${row.op} ${row.input}: WASM/TS speed ${(t.p50Us / w.p50Us).toFixed(2)}x (${w.p50Us < t.p50Us ? 'WASM faster' : 'TS faster'})`)
  }
  notes.push('sharp re-encode decodes and re-encodes every pixel (lossy for JPEG/WebP): it is the only library path for stripping, not an equal job')
  notes.push('sharp metadata() is asynchronous (libuv thread pool); its time includes that hop; image-size reads dimensions (and JPEG orientation) only')
  for (const note of notes) console.log(note)
  return { name: 'container', rows, notes }
}
