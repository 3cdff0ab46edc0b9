// Browser benchmark: a gallery in headless Chromium (Debian's, as the browser tests use), three
// contenders on one 127.0.0.1 origin with the same images:
//   plain           <img src> served with `Cache-Control: public, max-age=31536000, immutable` + ETag
//   Pixstore        our frontend (bundled from src/ with esbuild), the README's getImageUrl
//                   path (bench/browser/pixstore-page.js), our backend's endpoint
//                   (pixstoreExpress on the page server, SQLite in a temp dir)
//   pixstore 3.2.1  its published frontend bundled with esbuild, explicit config, same endpoint
//                   (the wire format is byte-compatible)
// Phases: cold = fresh profile (empty HTTP cache and IndexedDB; one blank same-origin page first so
// browser start-up is not charged), warm = reload of that page, hot = a second render in the same
// page (release, clear the DOM, render again; and "overlap": release only after the new render);
// "cold, 100 Mbit/s" = a cold load in another fresh profile over an emulated link (THROTTLE below).
// Beside the table: the blob: URL floor (plain-page.js), what showing bytes the page holds costs.
// Time = performance.now() at "every <img> decoded" (cold/warm: since navigation start; hot: since
// the render began). Every image's naturalWidth/Height is checked; a wrong one fails the suite.
// Contenders are interleaved round by round (ABC, BCA, CAB, ...); medians with min–max.
//
// Rounds: BENCH_BROWSER_ROUNDS (default 5) or `--rounds N` when run alone:
// `node bench/suites/browser.mjs --rounds 7`.
import http from 'node:http'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { noisyPng } from '../lib/bench-bytes.mjs'
import { launchFreshChromium } from '../../scripts/lib/chromium.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const browserDir = path.join(root, 'bench/browser')

const cliRounds = process.argv.indexOf('--rounds')
const ROUNDS = Number(cliRounds > 0 ? process.argv[cliRounds + 1] : (process.env.BENCH_BROWSER_ROUNDS ?? 5))
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`rounds must be a positive integer, got ${ROUNDS}`)

// Widths differ per image (and heights follow to keep the size), so an image shown in the wrong
// <img> fails the natural-size check too.
const SETS = [
  { key: 'small', label: '60 × 10 KiB PNG', count: 60, bytes: 10 * 1024, width: (i) => 40 + i, settleMs: 400 },
  { key: 'large', label: '12 × 1 MiB PNG', count: 12, bytes: 1024 * 1024, width: (i) => 560 + 8 * i, settleMs: 1000 },
]
const CONTENDERS = [
  { key: 'plain', label: 'plain <img>' },
  { key: 'pixstore', label: 'Pixstore' },
  { key: 'pixstore-v3', label: 'pixstore 3.2.1' },
]
const THROTTLED = 'cold, 100 Mbit/s'
const PHASES = ['cold', THROTTLED, 'warm', 'hot', 'hot (overlap)']
// The loopback hands a whole gallery over faster than the page can decrypt it, so work that overlaps
// the transfer cannot show there. A user's link is slower: one more cold load, in its own fresh
// profile, over Chromium's network emulation (DevTools protocol) at 100 Mbit/s with 20 ms latency.
const THROTTLE = { offline: false, latency: 20, downloadThroughput: 12_500_000, uploadThroughput: 12_500_000 }
const ROUTE = '/pixstore-image'
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' blob:; connect-src 'self'"

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

async function makeSet(set) {
  const images = []
  for (let i = 0; i < set.count; i++) {
    const width = set.width(i)
    const height = Math.max(1, Math.round((set.bytes - 80) / (3 * width + 1)))
    const png = await noisyPng(width, height, 0x9e3779b1 ^ (set.bytes + i))
    images.push({ width, height, png, etag: `"${createHash('sha256').update(png).digest('base64url').slice(0, 16)}"` })
  }
  return images
}

async function bundlePages() {
  const result = await build({
    entryPoints: {
      plain: path.join(browserDir, 'plain-page.js'),
      pixstore: path.join(browserDir, 'pixstore-page.js'),
      'pixstore-v3': path.join(browserDir, 'pixstore-v3-page.js'),
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    // pixstore 3.2.1 reads process.env.NODE_ENV; ours reads nothing of the kind
    define: { 'process.env.NODE_ENV': '"production"' },
    outdir: '/bench-pages',
    write: false,
    logLevel: 'warning',
  })
  return new Map(result.outputFiles.map((f) => [path.basename(f.path, '.js'), f.contents]))
}

/** The page server: pages, scripts, the gallery JSON, plain images and the Pixstore endpoint. */
async function startServer({ sets, ids, bundles, backend }) {
  const middleware = backend.pixstoreExpress()
  const counts = { images: 0, notModified: 0, wire: 0 }
  const server = http.createServer((req, res) => {
    res.on('error', () => {})
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const p = url.pathname
    const send = (status, type, body, headers = {}) => {
      res.writeHead(status, { 'content-type': type, 'content-length': body.length, ...headers })
      res.end(body)
    }
    if (p === ROUTE || p.startsWith(`${ROUTE}/`)) {
      counts.wire++
      req.url = req.url.slice(ROUTE.length) || '/'
      return middleware(req, res)
    }
    const img = p.match(/^\/img\/(\w+)\/(\d+)\.png$/)
    if (img) {
      const image = sets.get(img[1])?.[Number(img[2])]
      if (!image) return send(404, 'text/plain', Buffer.from('no such image'))
      counts.images++
      const headers = { 'cache-control': 'public, max-age=31536000, immutable', etag: image.etag }
      if (req.headers['if-none-match'] === image.etag) {
        counts.notModified++
        res.writeHead(304, headers).end()
        return
      }
      return send(200, 'image/png', image.png, headers)
    }
    const page = p.match(/^\/page\/([\w-]+)$/)
    if (page && bundles.has(page[1])) {
      const html = `<!doctype html><meta charset="utf-8"><title>gallery ${page[1]}</title><div id="gallery"></div><script type="module" src="/js/${page[1]}.js"></script>`
      return send(200, 'text/html; charset=utf-8', Buffer.from(html), { 'cache-control': 'no-cache', 'content-security-policy': CSP })
    }
    const js = p.match(/^\/js\/([\w-]+)\.js$/)
    if (js && bundles.has(js[1])) {
      // like a hashed build asset: cached for good, so warm loads take scripts from the cache alike
      return send(200, 'text/javascript', bundles.get(js[1]), { 'cache-control': 'public, max-age=31536000, immutable' })
    }
    if (p === '/api/gallery') {
      const key = url.searchParams.get('set')
      const images = sets.get(key)
      if (!images) return send(404, 'application/json', Buffer.from('null'))
      const plain = url.searchParams.get('kind') === 'plain'
      // fresh records (fresh proofs) on every request, as an application's API hands them out
      void Promise.all(
        images.map(async (image, i) => ({
          width: image.width,
          height: image.height,
          ...(plain ? { src: `/img/${key}/${i}.png` } : { record: await backend.getImageRecord(ids.get(key)[i]) }),
        })),
      ).then(
        (items) => send(200, 'application/json', Buffer.from(JSON.stringify(items)), { 'cache-control': 'no-store' }),
        (error) => send(500, 'text/plain', Buffer.from(String(error))),
      )
      return
    }
    if (p === '/favicon.ico') return send(204, 'image/x-icon', Buffer.alloc(0), { 'cache-control': 'public, max-age=31536000, immutable' })
    if (p === '/blank') return send(200, 'text/html', Buffer.from('<!doctype html><title>blank</title>'), { 'cache-control': 'no-store' })
    send(404, 'text/plain', Buffer.from('not found'))
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    takeCounts() {
      const out = { ...counts }
      counts.images = counts.notModified = counts.wire = 0
      return out
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections()
        server.close(r)
      }),
  }
}

/** Starts waiting for the page's results line (see gallery.js) before the navigation that leads to it. */
function resultsSignal(page) {
  return page.waitForEvent('console', { predicate: (m) => m.text() === 'pixstore-bench:results', timeout: 60_000 })
}

async function pageResults(browser, what, signal) {
  const { page } = browser
  await signal
  const r = await page.evaluate(() => window.__results)
  if (!r.ok) throw new Error(`${what}: ${r.error ?? `wrong images: ${r.wrong?.join('; ')}`}\n${browser.logs.join('\n')}`)
  return r
}

/** A cold load over the emulated 100 Mbit/s link (THROTTLE), in a fresh profile of its own. */
async function measureThrottledCold(server, contender, set) {
  const browser = await launchFreshChromium()
  try {
    const { page } = browser
    const cdp = await browser.context.newCDPSession(page)
    await cdp.send('Network.enable')
    await cdp.send('Network.emulateNetworkConditions', THROTTLE)
    await page.goto(`${server.origin}/blank`)
    server.takeCounts()
    const signal = resultsSignal(page)
    await page.goto(`${server.origin}/page/${contender.key}?set=${set.key}`, { waitUntil: 'commit' })
    const result = await pageResults(browser, `${contender.label}, ${set.label} ${THROTTLED}`, signal)
    result.requests = server.takeCounts()
    return result
  } finally {
    await browser.close()
  }
}

/** One contender, one set: cold load in a fresh profile, warm reload, two hot renders. */
async function measureOnce(server, contender, set) {
  const what = `${contender.label}, ${set.label}`
  const browser = await launchFreshChromium()
  try {
    const { page } = browser
    await page.goto(`${server.origin}/blank`)
    server.takeCounts()
    const coldSignal = resultsSignal(page)
    await page.goto(`${server.origin}/page/${contender.key}?set=${set.key}`, { waitUntil: 'commit' })
    const cold = await pageResults(browser, `${what} cold`, coldSignal)
    const settledAfterMs = await page.evaluate(() => window.__settle())
    cold.requests = server.takeCounts()
    await sleep(set.settleMs) // untimed: background writes (IndexedDB, HTTP cache) finish as they would before a user reloads
    const warmSignal = resultsSignal(page)
    await page.reload({ waitUntil: 'commit' })
    const warm = await pageResults(browser, `${what} warm`, warmSignal)
    await sleep(300)
    warm.requests = server.takeCounts()
    const hot = await page.evaluate(() => window.__hot('remount'))
    const overlap = await page.evaluate(() => window.__hot('overlap'))
    for (const [name, h] of [['hot', hot], ['hot (overlap)', overlap]]) {
      if (!h.ok) throw new Error(`${what} ${name}: wrong images: ${h.wrong.join('; ')}\n${browser.logs.join('\n')}`)
    }
    hot.requests = server.takeCounts()
    overlap.requests = hot.requests
    let floor
    if (contender.key === 'plain') {
      floor = await page.evaluate(() => window.__blobFloor())
      if (!floor.ok) throw new Error(`${what} blob: URL floor: wrong images`)
    }
    return { cold: { ...cold, settledAfterMs }, warm, hot, 'hot (overlap)': overlap, floor }
  } finally {
    await browser.close()
  }
}

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
  return { median, min: s[0], max: s[s.length - 1], n: s.length }
}

const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2))
const cell = (s) => `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`

export async function run() {
  const started = performance.now()
  const backend = {
    ...(await import('../../dist/backend/index.js')),
    ...(await import('../../dist/backend/adapters/express.js')),
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pixstore-bench-browser-'))
  let server
  const samples = {} // samples[set][contender][phase] = runs
  const floors = {} // floors[set] = ms of the blob: URL floor (plain-page.js), one per plain run
  try {
    await backend.initPixstoreBackend({
      dataDir,
      storage: { type: 'sqlite' },
      secret: 'browser-bench-secret-browser-bench-secret',
      defaultEndpointEnabled: false, // the endpoint is routed on the page server (same origin for all)
      errorHandlingMode: 'throw',
    })
    const sets = new Map()
    const ids = new Map()
    for (const set of SETS) {
      const images = await makeSet(set)
      sets.set(set.key, images)
      const saved = []
      for (const image of images) saved.push((await backend.saveImage(image.png, 'bench')).id)
      ids.set(set.key, saved)
    }
    const bundles = await bundlePages()
    server = await startServer({ sets, ids, bundles, backend })
    console.log(`[browser] ${server.origin}, ${ROUNDS} round(s); bundles: ${[...bundles].map(([k, b]) => `${k} ${(b.length / 1024).toFixed(1)} KiB`).join(', ')}`)

    // untimed warm-up: Chromium's files in the page cache, the server's JIT and caches on the wire
    // path (3.2.1 takes the same one; the plain path is a static answer)
    await measureOnce(server, CONTENDERS[1], SETS[0])

    for (const set of SETS) {
      floors[set.key] = []
      samples[set.key] = Object.fromEntries(CONTENDERS.map((c) => [c.key, Object.fromEntries(PHASES.map((p) => [p, []]))]))
      for (let round = 0; round < ROUNDS; round++) {
        for (let k = 0; k < CONTENDERS.length; k++) {
          const contender = CONTENDERS[(round + k) % CONTENDERS.length]
          const t = performance.now()
          const result = await measureOnce(server, contender, set)
          result[THROTTLED] = await measureThrottledCold(server, contender, set)
          if (process.env.BENCH_BROWSER_VERBOSE) console.log(`[browser] ${contender.label}, ${set.label}: ${((performance.now() - t) / 1000).toFixed(1)} s`)
          for (const phase of PHASES) samples[set.key][contender.key][phase].push(result[phase])
          if (result.floor) floors[set.key].push(result.floor.total)
        }
        process.stdout.write(`[browser] ${set.label}: round ${round + 1}/${ROUNDS} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`)
      }
    }
  } finally {
    await server?.close()
    await backend.closePixstoreBackend()
    rmSync(dataDir, { recursive: true, force: true })
  }

  const rows = []
  const marks = []
  for (const set of SETS) {
    for (const phase of PHASES) {
      const plain = stats(samples[set.key].plain[phase].map((r) => r.total))
      for (const contender of CONTENDERS) {
        const runs = samples[set.key][contender.key][phase]
        const s = stats(runs.map((r) => r.total))
        rows.push({
          set: set.label,
          phase,
          contender: contender.label,
          medianMs: +s.median.toFixed(2),
          minMs: +s.min.toFixed(2),
          maxMs: +s.max.toFixed(2),
          n: s.n,
          ratioToPlain: +(s.median / plain.median).toFixed(2),
        })
        const med = (f) => +stats(runs.map(f)).median.toFixed(2)
        const mark = { set: set.label, phase, contender: contender.label, lastSrcMs: med((r) => r.lastSrc), medianImageSrcMs: med((r) => r.medianImageSrc), totalMs: med((r) => r.total) }
        if (phase === 'cold' || phase === THROTTLED || phase === 'warm') {
          Object.assign(mark, {
            unloadEndMs: phase === 'warm' ? med((r) => r.unloadEnd) : null,
            documentMs: med((r) => r.documentResponse),
            scriptMs: med((r) => r.script),
            recordsMs: med((r) => r.records),
            firstRequestMs: phase === 'warm' ? null : med((r) => r.firstRequest),
            lastResponseMs: med((r) => r.lastResponse),
            recordsToDecodedMs: med((r) => r.total - r.records),
            // plain sets every src before any response: no such gap
            lastResponseToLastSrcMs: contender.key === 'plain' || phase === 'warm' ? null : med((r) => r.lastSrc - r.lastResponse),
            imageRequests: med((r) => r.requests.images),
            notModified: med((r) => r.requests.notModified),
            wireRequests: med((r) => r.requests.wire),
            fromHttpCache: med((r) => r.fromHttpCache),
          })
        } else {
          Object.assign(mark, { wireRequests: med((r) => r.requests.wire), imageRequests: med((r) => r.requests.images) })
        }
        if (phase === 'cold') mark.backgroundWritesDoneAfterMs = med((r) => r.settledAfterMs)
        marks.push(mark)
      }
    }
  }

  const get = (set, phase, key) => rows.find((r) => r.set === set.label && r.phase === phase && r.contender === CONTENDERS.find((c) => c.key === key).label)
  const lines = [`\nbrowser gallery: ms to every image decoded, median (min–max) of ${ROUNDS} interleaved rounds`]
  const header = ['set', 'phase', ...CONTENDERS.map((c) => c.label), 'Pixstore/plain', '3.2.1/plain', 'Pixstore/3.2.1']
  const table = [header]
  for (const set of SETS) {
    for (const phase of PHASES) {
      const byKey = Object.fromEntries(CONTENDERS.map((c) => [c.key, get(set, phase, c.key)]))
      const { pixstore: ps, 'pixstore-v3': v3 } = byKey
      table.push([
        phase === PHASES[0] ? set.label : '',
        phase,
        ...CONTENDERS.map((c) => cell({ median: byKey[c.key].medianMs, min: byKey[c.key].minMs, max: byKey[c.key].maxMs })),
        `${ps.ratioToPlain.toFixed(2)}×`,
        `${v3.ratioToPlain.toFixed(2)}×`,
        `${(ps.medianMs / v3.medianMs).toFixed(2)}×`,
      ])
    }
  }
  const widths = header.map((_, c) => Math.max(...table.map((r) => r[c].length)))
  for (const r of table) lines.push(r.map((v, c) => v.padEnd(widths[c])).join(' | '))
  console.log(lines.join('\n'))
  console.log('\nmarks (medians, ms; cold/warm since navigation start)')
  console.table(marks)

  const blobFloor = []
  const notes = [
    `${ROUNDS} rounds per contender and set, interleaved (ABC, BCA, CAB…), after one untimed warm-up; Chromium ${CHROMIUM_VERSION()} headless, same origin 127.0.0.1 for pages, plain images and the Pixstore endpoint (pixstoreExpress on the page server, SQLite).`,
    'cold: fresh profile, one blank same-origin page opened first; warm: page.reload() after the background writes settled; hot: release, clear the DOM, render again in the same page; hot (overlap): clear the DOM, render again, release the previous images afterwards.',
    'Pixstore row: the README path (getImageUrl, release() when the image goes away), page code in bench/browser/pixstore-page.js; pixstore 3.2.1: getImage + URL.createObjectURL with its production defaults set explicitly.',
    'Every <img> is checked for naturalWidth/naturalHeight after decode(); the images are valid PNGs of noisy pixels (stored deflate), distinct per image, widths differ per image.',
  ]
  for (const set of SETS) {
    const m = (phase, key) => marks.find((x) => x.set === set.label && x.phase === phase && x.contender === CONTENDERS.find((c) => c.key === key).label)
    const c = m('cold', 'pixstore')
    const w = m('warm', 'pixstore')
    notes.push(
      `${set.label}: cold Pixstore first image request at ${fmt(c.firstRequestMs)} ms (plain ${fmt(m('cold', 'plain').firstRequestMs)}, 3.2.1 ${fmt(m('cold', 'pixstore-v3').firstRequestMs)}), last response at ${fmt(c.lastResponseMs)} ms (plain ${fmt(m('cold', 'plain').lastResponseMs)}, 3.2.1 ${fmt(m('cold', 'pixstore-v3').lastResponseMs)}), last src ${fmt(c.lastResponseToLastSrcMs)} ms after it, background writes done ${fmt(c.backgroundWritesDoneAfterMs)} ms after the gallery; ` +
        `warm Pixstore: each image's src set a median ${fmt(w.medianImageSrcMs)} ms after the render began (IndexedDB read + decrypt under concurrency; 3.2.1 ${fmt(m('warm', 'pixstore-v3').medianImageSrcMs)}), wire requests ${w.wireRequests} (3.2.1: ${m('warm', 'pixstore-v3').wireRequests}), plain image requests ${m('warm', 'plain').imageRequests}; ` +
        `hot ratios to plain: Pixstore ${get(set, 'hot', 'pixstore').ratioToPlain}×, overlap ${get(set, 'hot (overlap)', 'pixstore').ratioToPlain}×.`,
    )
    const t = m(THROTTLED, 'pixstore')
    notes.push(
      `${set.label}, ${THROTTLED}: Pixstore ${get(set, THROTTLED, 'pixstore').ratioToPlain}× of plain (3.2.1 ${get(set, THROTTLED, 'pixstore-v3').ratioToPlain}×); each image's src set a median ${fmt(t.medianImageSrcMs)} ms after the render began, the last ${fmt(t.lastResponseToLastSrcMs)} ms after the last response (frames decrypted as they arrive).`,
    )
    const f = stats(floors[set.key])
    const wp = m('warm', 'plain')
    blobFloor.push({ set: set.label, medianMs: +f.median.toFixed(2), minMs: +f.min.toFixed(2), maxMs: +f.max.toFixed(2), n: f.n, pixstoreWarmRecordsToDecodedMs: w.recordsToDecodedMs, plainWarmRecordsToDecodedMs: wp.recordsToDecodedMs })
    notes.push(
      `${set.label}, blob: URL floor (bytes already in memory → new Blob → URL.createObjectURL → every <img> decoded, no IndexedDB, no decryption; bench/browser/plain-page.js): ${cell(f)} ms. ` +
        `From records to every image decoded, warm: Pixstore ${fmt(w.recordsToDecodedMs)} ms, plain <img> ${fmt(wp.recordsToDecodedMs)} ms; plain's warm total is ${fmt(get(set, 'warm', 'plain').medianMs)} ms, and records come ${fmt(w.recordsMs)} ms after navigation start, so a frontend showing images through blob: URLs here is at least (records + floor) / plain = ${((w.recordsMs + f.median) / get(set, 'warm', 'plain').medianMs).toFixed(2)}× of plain warm.`,
    )
  }
  for (const note of notes) console.log(note)
  return { name: 'browser', rows, marks, blobFloor, notes }
}

let chromiumVersion = 'unknown'
const CHROMIUM_VERSION = () => chromiumVersion
try {
  const { execFileSync } = await import('node:child_process')
  const { CHROMIUM_PATH } = await import('../../scripts/lib/chromium.mjs')
  chromiumVersion = execFileSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
} catch {}

if (import.meta.url === `file://${process.argv[1]}`) {
  await run()
  process.exit(0)
}
