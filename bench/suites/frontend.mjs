// Frontend benchmark (issue #4): getImage latency, ours against pixstore@3.2.1's frontend, in Node with
// fake-indexeddb and Node's WebCrypto, 10 KiB and 1 MiB images, both served by the same local
// node:http endpoint (wire format v1). Scenarios: miss (a new id every call, so the cache write and
// the eviction each library does are included), IndexedDB hit (our hot tier disabled), hot-tier hit
// (ours only; pixstore has none), 20 concurrent misses (wall time and HTTP requests made). The
// reference "raw" is fetch + decode + WebCrypto decrypt + Blob of the same bytes, with no cache.
//
// fake-indexeddb is a JS implementation: absolute IndexedDB costs differ in a browser, ratios are the
// point. Run alone: `npm run build && node bench/suites/frontend.mjs`. Imports the built dist/.
import 'fake-indexeddb/auto'
import http from 'node:http'

globalThis.window ??= globalThis // pixstore 3.2.1's frontend reads window.crypto

const ours = await import('../../dist/frontend/index.js')
const { createFrame, decodeWirePayload } = await import('../../dist/codec/index.js')
const { sealImage, openImage } = await import('../../dist/crypto/aes-gcm.js')
const { bytesToBase64 } = await import('../../dist/crypto/base64.js')
const peer = await import('pixstore-v3/frontend/index.js')

const SIZES = [
  { label: '10 KiB', bytes: 10 * 1024, miss: 150, hit: 400, hot: 20_000 },
  { label: '1 MiB', bytes: 1024 * 1024, miss: 30, hit: 60, hot: 20_000 },
]
const CACHE_LIMIT = 50
const ROUTE = '/pixstore-image'

function fill(length, seed) {
  const out = new Uint8Array(length)
  let x = seed
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    out[i] = x >>> 24
  }
  out.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) // a PNG signature; content is opaque to both
  return out
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** One sealed image per size; any id `<size>-<n>` is that image, so a new id is a guaranteed miss. */
async function startEndpoint() {
  const images = new Map()
  for (const size of SIZES) {
    const plaintext = new Uint8Array(size.bytes + 1)
    plaintext[0] = 1 // png
    plaintext.set(fill(size.bytes, size.bytes), 1)
    const sealed = await sealImage(plaintext)
    images.set(String(size.bytes), { token: 1_700_000_000_000, ...sealed, ciphertext: sealed.ciphertext.slice() })
  }
  let requests = 0
  const server = http.createServer((req, res) => {
    requests++
    const id = decodeURIComponent((req.url ?? '').slice(ROUTE.length + 1))
    const img = images.get(id.split('-')[0])
    let frame
    if (!img) frame = Uint8Array.of(2)
    else {
      const current = Number(req.headers['x-pixstore-token']) === img.token
      const made = createFrame(current ? null : img, img.ciphertext.length)
      made.body.set(img.ciphertext)
      frame = made.frame
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': frame.length })
    res.end(frame)
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  const port = server.address().port
  const recordFor = (size, n) => {
    const img = images.get(String(size.bytes))
    return {
      id: `${size.bytes}-${n}`,
      token: img.token,
      meta: { key: bytesToBase64(img.key), iv: bytesToBase64(img.iv), tag: bytesToBase64(img.tag) },
      statelessProof: 'bench-proof',
    }
  }
  return { port, recordFor, requests: () => requests, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r) }) }
}

function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
  return { mean: sorted.reduce((s, x) => s + x, 0) / sorted.length, p50: at(0.5), p95: at(0.95), n: sorted.length }
}

async function timeEach(n, fn) {
  const samples = []
  for (let i = 0; i < n; i++) {
    const start = performance.now()
    await fn(i)
    samples.push(performance.now() - start)
  }
  return summary(samples)
}

/** Mean of `n` back-to-back calls (for sub-microsecond-resolution cases like hot hits). */
async function timeBatch(n, fn) {
  for (let i = 0; i < Math.min(n, 1000); i++) await fn()
  const start = performance.now()
  for (let i = 0; i < n; i++) await fn()
  const mean = (performance.now() - start) / n
  return { mean, p50: mean, p95: mean, n }
}

let idCounter = 0

export async function run() {
  const endpoint = await startEndpoint()
  const base = `http://127.0.0.1:${endpoint.port}${ROUTE}`
  ours.setErrorHandlingMode('throw')
  const oursConfig = (extra) => ({
    endpointBaseUrl: base,
    frontendDbName: `bench-ours-${++idCounter}`,
    frontendImageCacheLimit: CACHE_LIMIT,
    frontendCleanupBatch: 5,
    ...extra,
  })
  const peerConfig = () => ({
    defaultEndpointConnectHost: '127.0.0.1',
    defaultEndpointConnectPort: endpoint.port,
    defaultEndpointRoute: ROUTE,
    frontendDbName: `bench-peer-${++idCounter}`,
    frontendImageCacheLimit: CACHE_LIMIT,
    frontendCleanupBatch: 5,
    errorHandlingMode: 'throw',
  })
  const rows = []
  const row = (size, scenario, impl, stats, extra = {}) => {
    rows.push({ size: size.label, scenario, impl, meanMs: +stats.mean.toFixed(4), p50Ms: +stats.p50.toFixed(4), p95Ms: +stats.p95.toFixed(4), n: stats.n, ...extra })
  }
  let n = 0
  try {
    for (const size of SIZES) {
      // raw reference: fetch + decode + decrypt + Blob, no cache
      {
        const raw = async () => {
          const record = endpoint.recordFor(size, `raw${n++}`)
          const res = await fetch(`${base}/${record.id}`, { headers: { 'x-pixstore-token': String(record.token), 'x-pixstore-proof': record.statelessProof } })
          const payload = decodeWirePayload(new Uint8Array(await res.arrayBuffer()))
          const key = Buffer.from(record.meta.key, 'base64')
          const iv = Buffer.from(record.meta.iv, 'base64')
          const tag = Buffer.from(record.meta.tag, 'base64')
          const plain = await openImage(payload.ciphertext, key, iv, tag)
          return new Blob([plain.subarray(1)], { type: 'image/png' })
        }
        row(size, 'miss', 'raw fetch+decrypt', await timeEach(size.miss, raw))
      }
      // miss
      ours.initPixstoreFrontend(oursConfig({ frontendHotTierMaxBytes: 0 }))
      row(size, 'miss', 'ours', await timeEach(size.miss, () => ours.getImage(endpoint.recordFor(size, `o${n++}`))))
      await ours.getCacheStats()
      peer.initPixstoreFrontend(peerConfig())
      row(size, 'miss', 'pixstore 3.2.1', await timeEach(size.miss, () => peer.getImage(endpoint.recordFor(size, `p${n++}`))))
      await sleep(300) // its cache writes and clean-ups run unawaited

      // IndexedDB hit
      ours.initPixstoreFrontend(oursConfig({ frontendHotTierMaxBytes: 0 }))
      const oursHit = endpoint.recordFor(size, `oh${n++}`)
      await ours.getImage(oursHit)
      await ours.getCacheStats()
      row(size, 'IndexedDB hit', 'ours', await timeEach(size.hit, () => ours.getImage(oursHit)))
      peer.initPixstoreFrontend(peerConfig())
      const peerHit = endpoint.recordFor(size, `ph${n++}`)
      await peer.getImage(peerHit)
      await sleep(100)
      row(size, 'IndexedDB hit', 'pixstore 3.2.1', await timeEach(size.hit, () => peer.getImage(peerHit)))
      await sleep(300)

      // hot-tier hit (ours only)
      ours.initPixstoreFrontend(oursConfig({}))
      const hot = endpoint.recordFor(size, `hot${n++}`)
      await ours.getImage(hot)
      row(size, 'hot-tier hit', 'ours', await timeBatch(size.hot, () => ours.getImage(hot)))

      // 20 concurrent misses of one image
      for (const [impl, init, get] of [
        ['ours', () => ours.initPixstoreFrontend(oursConfig({})), (r) => ours.getImage(r)],
        ['pixstore 3.2.1', () => peer.initPixstoreFrontend(peerConfig()), (r) => peer.getImage(r)],
      ]) {
        init()
        const samples = []
        let requests = 0
        for (let round = 0; round < 5; round++) {
          const record = endpoint.recordFor(size, `c${n++}`)
          const before = endpoint.requests()
          const start = performance.now()
          await Promise.all(Array.from({ length: 20 }, () => get(record)))
          samples.push(performance.now() - start)
          requests += endpoint.requests() - before
          await sleep(50)
        }
        row(size, '20 concurrent misses', impl, summary(samples), { requestsPer20: requests / 5 })
      }
      await sleep(300)
    }
  } finally {
    await endpoint.close()
  }

  const get = (size, scenario, impl) => rows.find((r) => r.size === size && r.scenario === scenario && r.impl === impl)
  const notes = []
  for (const size of SIZES.map((s) => s.label)) {
    const hot = get(size, 'hot-tier hit', 'ours')
    const hitOurs = get(size, 'IndexedDB hit', 'ours')
    const hitPeer = get(size, 'IndexedDB hit', 'pixstore 3.2.1')
    const missOurs = get(size, 'miss', 'ours')
    const raw = get(size, 'miss', 'raw fetch+decrypt')
    const missPeer = get(size, 'miss', 'pixstore 3.2.1')
    const cOurs = get(size, '20 concurrent misses', 'ours')
    const cPeer = get(size, '20 concurrent misses', 'pixstore 3.2.1')
    notes.push(
      `${size}: hot hit ${(hot.meanMs * 1000).toFixed(1)} µs (target ≤ 20 µs: ${hot.meanMs <= 0.02 ? 'met' : 'MISSED'}); ` +
        `IndexedDB hit ours/pixstore = ${(hitOurs.p50Ms / hitPeer.p50Ms).toFixed(2)} (target ≤ 0.5: ${hitOurs.p50Ms <= 0.5 * hitPeer.p50Ms ? 'met' : 'MISSED'}); ` +
        `miss ours/raw = ${(missOurs.p50Ms / raw.p50Ms).toFixed(2)} (target ≤ 1.3: ${missOurs.p50Ms <= 1.3 * raw.p50Ms ? 'met' : 'MISSED'}), ours/pixstore = ${(missOurs.p50Ms / missPeer.p50Ms).toFixed(2)}; ` +
        `20 concurrent misses: ours ${cOurs.requestsPer20} request(s), pixstore ${cPeer.requestsPer20}.`,
    )
  }
  notes.push('Ratios use p50. Node + fake-indexeddb (JS IndexedDB) + Node WebCrypto; one local node:http endpoint for all.')
  console.log('\nfrontend getImage latency (ms)')
  console.table(rows)
  for (const note of notes) console.log(note)
  return { name: 'frontend', rows, notes }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await run()
  process.exit(0)
}
