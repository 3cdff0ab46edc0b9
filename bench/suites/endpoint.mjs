// Load on the built-in endpoint (Success path: the client holds the current token, the answer is
// `[0][ciphertext]`), against pixstore@3.2.1's default endpoint and a plain node:http server answering
// a static buffer of the same size. autocannon, then wrk when installed, 127.0.0.1, 50 connections,
// 10 KiB and 1 MiB images.
// Each server runs in its own child process (the load generator in this one); rounds are interleaved. Every
// response's state byte is checked: a 200 carrying an error state counts as a mismatch, not a success.
// autocannon decodes each body to a string to check it, which costs the generator the same for all
// three servers but caps it (near 10k req/s here, and at 1 MiB that cost dominates): read the wrk
// rows for ratios, the autocannon rows as a second opinion.
//
// One more row, the gallery: 60 different 10 KiB images fetched as one batch request (POST, a
// container of 60 frames) against 60 GETs, by a node:http client with the same 6 keep-alive
// connections (a browser's per-host limit on HTTP/1.1) either way; ms per gallery, every frame's
// state checked.
//
// Run alone: `npm run build && node bench/run.mjs endpoint`. Imports the built dist/.
import http from 'node:http'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import autocannon from 'autocannon'
import { pngOfSize } from '../lib/bench-bytes.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 3)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CONNECTIONS = 50
const SIZES = [
  ['10 KiB', 10 * 1024],
  ['1 MiB', 1024 * 1024],
]
const SECRET = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz'

// Each server script prints one JSON line { port, path, headers } once it is ready to serve.
const SERVERS = {
  pixstore: (imageFile, dataDir) => `
    import { readFileSync } from 'node:fs'
    import * as b from ${JSON.stringify(pathToFileURL(path.join(root, 'dist/backend/index.js')).href)}
    await b.initPixstoreBackend({ dataDir: ${JSON.stringify(dataDir)}, secret: ${JSON.stringify(SECRET)}, defaultEndpointListenPort: 0, errorHandlingMode: 'throw' })
    const { port } = await b.startDefaultEndpoint()
    const r = await b.saveImage(readFileSync(${JSON.stringify(imageFile)}))
    console.log(JSON.stringify({ port, path: '/pixstore-image/' + r.id, headers: { 'x-pixstore-proof': r.statelessProof, 'x-pixstore-token': String(r.token) } }))`,
  'pixstore@3.2.1': (imageFile, dataDir) => `
    import { readFileSync } from 'node:fs'
    import net from 'node:net'
    const port = await new Promise((res) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)) }) })
    const b = await import(${JSON.stringify(pathToFileURL(path.join(root, 'node_modules/pixstore-v3/backend/index.js')).href)})
    // Its published defaults are test settings (200 ms proof window): pass explicit config.
    b.initPixstoreBackend({ databasePath: ${JSON.stringify(path.join(dataDir, 'v3.sqlite'))}, imageRootDir: ${JSON.stringify(path.join(dataDir, 'v3-images'))},
      statelessKeyWindowLength: 3600000, defaultEndpointListenHost: '127.0.0.1', defaultEndpointListenPort: port, errorHandlingMode: 'throw' })
    const r = await b.saveImage(readFileSync(${JSON.stringify(imageFile)}))
    setInterval(() => {}, 1 << 30) // its server is unref()ed
    await new Promise((res) => setTimeout(res, 200))
    console.log(JSON.stringify({ port, path: '/pixstore-image/' + encodeURIComponent(r.id), headers: { 'x-pixstore-proof': r.statelessProof, 'x-pixstore-token': String(r.token) } }))`,
  'static buffer': (imageFile) => `
    import { readFileSync } from 'node:fs'
    import http from 'node:http'
    // Same length as a Success frame of this image: state byte + format byte + image + nothing else.
    const image = readFileSync(${JSON.stringify(imageFile)})
    const frame = Buffer.alloc(2 + image.length)
    image.copy(frame, 2)
    const s = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': frame.length }); res.end(frame) })
    s.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: s.address().port, path: '/x', headers: {} })))`,
}

function startServer(source, cwd) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', source], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  child.stderr.on('data', (d) => (err += d))
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      // Servers may log other lines (pixstore@3.2.1 announces its port): take the JSON one.
      const line = out.split('\n').find((l, i, all) => i < all.length - 1 && l.startsWith('{'))
      if (line) resolve({ child, info: JSON.parse(line) })
    })
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${err}`)))
  })
}

// wrk (C, from Debian's `wrk` package) when present: a lighter load generator than autocannon, whose
// per-body JavaScript check makes it the bottleneck above ~10k req/s. Its Lua `response` hook checks
// the state byte of every response just the same.
const WRK = spawnSync('wrk', ['--version'], { encoding: 'utf8' }).error ? null : 'wrk'
const WRK_CHECK = `
local bad = 0
response = function(status, headers, body)
  if status ~= 200 or string.byte(body, 1) ~= 0 then bad = bad + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("pixstore-bad=%d\\n", bad))
  io.write(string.format("pixstore-p99-us=%d\\n", latency:percentile(99)))
end
`

function loadWithWrk(info, seconds, script) {
  const args = ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '-s', script]
  for (const [k, v] of Object.entries(info.headers)) args.push('-H', `${k}: ${v}`)
  args.push(`http://127.0.0.1:${info.port}${info.path}`)
  const out = spawnSync(WRK, args, { encoding: 'utf8' }).stdout ?? ''
  const num = (re) => Number((out.match(re) ?? [])[1] ?? NaN)
  const requests = num(/(\d+) requests in/)
  const errors = num(/Non-2xx or 3xx responses: (\d+)/) || 0
  const socketErrors = out.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/)
  return {
    requests: { average: num(/Requests\/sec:\s+([\d.]+)/) },
    latency: { p99: num(/pixstore-p99-us=(\d+)/) / 1000 },
    '2xx': requests - errors,
    mismatches: num(/pixstore-bad=(\d+)/),
    errors: socketErrors ? socketErrors.slice(1).reduce((n, x) => n + Number(x), 0) : 0,
    timeouts: 0,
    non2xx: errors,
  }
}

function load(info, seconds) {
  return autocannon({
    url: `http://127.0.0.1:${info.port}${info.path}`,
    connections: CONNECTIONS,
    duration: seconds,
    headers: info.headers,
    // State byte 0 (Success) on every response; anything else is a mismatch.
    verifyBody: (body) => body.length > 0 && body.charCodeAt(0) === 0,
  })
}

const GALLERY_IMAGES = 60
const GALLERY_CONNECTIONS = 6

const GALLERY_SERVER = (dir, dataDir) => `
  import { readFileSync } from 'node:fs'
  import * as b from ${JSON.stringify(pathToFileURL(path.join(root, 'dist/backend/index.js')).href)}
  await b.initPixstoreBackend({ dataDir: ${JSON.stringify(dataDir)}, secret: ${JSON.stringify(SECRET)}, defaultEndpointListenPort: 0,
    errorHandlingMode: 'throw', proofTtlMs: 3600000 })
  const { port } = await b.startDefaultEndpoint()
  const items = []
  for (let i = 0; i < ${GALLERY_IMAGES}; i++) {
    const r = await b.saveImage(readFileSync(${JSON.stringify(dir)} + '/g' + i + '.png'))
    items.push({ id: r.id, token: r.token, proof: r.statelessProof })
  }
  console.log(JSON.stringify({ port, items }))`

function request(agent, port, options, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, agent, ...options }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

async function galleryByGets(agent, info) {
  const answers = await Promise.all(
    info.items.map((it) => request(agent, info.port, { path: '/pixstore-image/' + it.id, headers: { 'x-pixstore-proof': it.proof, 'x-pixstore-token': String(it.token) } })),
  )
  return answers.filter((a) => a.status !== 200 || a.body[0] !== 0).length
}

async function galleryByBatch(agent, info, decodeBatch) {
  const body = JSON.stringify({ v: 1, items: info.items })
  const a = await request(agent, info.port, { method: 'POST', path: '/pixstore-image', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, body)
  if (a.status !== 200) return info.items.length
  return decodeBatch(new Uint8Array(a.body.buffer, a.body.byteOffset, a.body.length), info.items.length).filter((p) => p.state !== 0).length
}

// Galleries one after another for `seconds`: ms per gallery (median) and the mismatch count.
async function loadGallery(fetchGallery, seconds) {
  const times = []
  let bad = 0
  const end = performance.now() + seconds * 1000
  while (performance.now() < end) {
    const t = performance.now()
    bad += await fetchGallery()
    times.push(performance.now() - t)
  }
  times.sort((x, y) => x - y)
  return { ms: times[Math.floor(times.length / 2)], p99: times[Math.floor(times.length * 0.99)], galleries: times.length, bad }
}

async function galleryRow(work) {
  const { decodeBatch } = await import(pathToFileURL(path.join(root, 'dist/codec/index.js')).href)
  for (let i = 0; i < GALLERY_IMAGES; i++) writeFileSync(path.join(work, `g${i}.png`), await pngOfSize(10 * 1024))
  const dataDir = mkdtempSync(path.join(work, 'gallery-'))
  const { child, info } = await startServer(GALLERY_SERVER(work, dataDir), dataDir)
  const agent = new http.Agent({ keepAlive: true, maxSockets: GALLERY_CONNECTIONS, noDelay: true })
  try {
    const modes = { batch: () => galleryByBatch(agent, info, decodeBatch), gets: () => galleryByGets(agent, info) }
    for (const f of Object.values(modes)) await loadGallery(f, 1) // warm-up: JIT, connections, proof cache
    const runs = { batch: [], gets: [] }
    for (let round = 0; round < ROUNDS; round++) for (const [m, f] of Object.entries(modes)) runs[m].push(await loadGallery(f, DURATION_S))
    const median = (m) => [...runs[m]].sort((x, y) => x.ms - y.ms)[Math.floor(ROUNDS / 2)]
    const b = median('batch')
    const g = median('gets')
    return {
      tool: `node:http, ${GALLERY_CONNECTIONS} conns`,
      size: `${GALLERY_IMAGES} x 10 KiB gallery`,
      server: 'pixstore batch vs GETs',
      msPerGalleryBatch: +b.ms.toFixed(2),
      msPerGalleryGets: +g.ms.toFixed(2),
      p99MsBatch: +b.p99.toFixed(2),
      p99MsGets: +g.p99.toFixed(2),
      speedup: +(g.ms / b.ms).toFixed(2),
      rounds: `batch ${runs.batch.map((r) => r.ms.toFixed(1)).join('/')} ms; GETs ${runs.gets.map((r) => r.ms.toFixed(1)).join('/')} ms`,
      mismatches: [...runs.batch, ...runs.gets].reduce((n, r) => n + r.bad, 0),
    }
  } finally {
    agent.destroy()
    child.kill('SIGTERM')
  }
}

export async function run() {
  const work = mkdtempSync(path.join(tmpdir(), 'pixstore-bench-endpoint-'))
  const wrkScript = path.join(work, 'check-state-byte.lua')
  writeFileSync(wrkScript, WRK_CHECK)
  const tools = [['autocannon', load], ...(WRK ? [['wrk', (info, seconds) => loadWithWrk(info, seconds, wrkScript)]] : [])]
  const rows = []
  try {
    for (const [label, size] of SIZES) {
      const imageFile = path.join(work, `image-${size}.png`)
      writeFileSync(imageFile, await pngOfSize(size))
      // All three servers up at once (idle when not loaded), then interleaved rounds, so a burst of
      // other load on this shared machine hits every server alike; the median round is reported.
      const started = []
      try {
        for (const [server, script] of Object.entries(SERVERS)) {
          const dataDir = mkdtempSync(path.join(work, 'data-'))
          started.push({ server, ...(await startServer(script(imageFile, dataDir), dataDir)) })
        }
        for (const [tool, loadOnce] of tools) {
          for (const s of started) await loadOnce(s.info, 1) // warm-up: JIT, connections, proof cache
          const runs = new Map(started.map((s) => [s.server, []]))
          for (let round = 0; round < ROUNDS; round++) {
            for (const s of started) runs.get(s.server).push(await loadOnce(s.info, DURATION_S))
          }
          for (const s of started) {
            const all = runs.get(s.server)
            const median = [...all].sort((x, y) => x.requests.average - y.requests.average)[Math.floor(all.length / 2)]
            const sum = (f) => all.reduce((n, r) => n + f(r), 0)
            rows.push({
              tool,
              size: label,
              server: s.server,
              reqPerSec: Math.round(median.requests.average),
              p99Ms: median.latency.p99,
              rounds: all.map((r) => Math.round(r.requests.average)).join('/'),
              ok: sum((r) => r['2xx'] - r.mismatches),
              mismatches: sum((r) => r.mismatches),
              errors: sum((r) => r.errors + r.timeouts + r.non2xx),
            })
          }
        }
      } finally {
        for (const s of started) s.child.kill('SIGTERM')
      }
    }
    rows.push(await galleryRow(work))
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  const gallery = rows.at(-1)
  const find = (tool, size, server) => rows.find((r) => r.tool === tool && r.size === size && r.server === server)
  const notes = []
  for (const [tool] of tools) {
    for (const [label] of SIZES) {
      const ours = find(tool, label, 'pixstore')
      const v3 = find(tool, label, 'pixstore@3.2.1')
      const stat = find(tool, label, 'static buffer')
      ours.vsV3 = +(ours.reqPerSec / v3.reqPerSec).toFixed(2)
      ours.vsStatic = +(ours.reqPerSec / stat.reqPerSec).toFixed(2)
      notes.push(
        `${tool}, ${label}: ${ours.vsV3}x pixstore@3.2.1 req/s (p99 ${ours.p99Ms} vs ${v3.p99Ms} ms), ${ours.vsStatic}x the static server` +
          (label === '10 KiB' ? ` (targets >= 2.5x with lower p99, >= 0.6x static: ${ours.vsV3 >= 2.5 && ours.p99Ms < v3.p99Ms && ours.vsStatic >= 0.6 ? 'met' : 'NOT met'})` : ''),
      )
    }
  }
  notes.push(
    `gallery of ${GALLERY_IMAGES} x 10 KiB over ${GALLERY_CONNECTIONS} connections: one batch ${gallery.msPerGalleryBatch} ms vs ${GALLERY_IMAGES} GETs ${gallery.msPerGalleryGets} ms per gallery (${gallery.speedup}x)`,
  )
  if (!WRK) notes.push('wrk not found (apt-get install wrk): autocannon rows only; its per-body check caps it near 10k req/s')
  console.log(`\nendpoint: ${CONNECTIONS} connections, median of ${ROUNDS} interleaved ${DURATION_S} s rounds, Success path, state byte of every response checked`)
  console.table(rows)
  for (const n of notes) console.log('  ' + n)
  return { name: 'endpoint', rows, notes }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run()
