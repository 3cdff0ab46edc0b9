// Endpoint throughput of the built-in HTTP endpoint on PostgreSQL with one and with two backend
// processes, beside SQLite (one process, and two processes sharing its data directory).
// Success path: the client already holds the current token, so the answer is `[0][ciphertext]` of a
// 10 KiB PNG. autocannon drives 127.0.0.1; with two processes one autocannon per process runs at once
// and their figures are summed. Everything (servers, PostgreSQL, the load generator) shares this
// machine's cores, so the two-process rows show what a second process buys on THIS machine only.
//
// Run alone: `npm run build && node bench/suites/endpoint-postgres.mjs`. Imports the built dist/.
import { execFileSync, fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { pngOfSize } from '../lib/bench-bytes.mjs'

const here = fileURLToPath(import.meta.url)
const root = path.resolve(path.dirname(here), '../..')
const IMAGE_BYTES = 10 * 1024
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5)
const CONNECTIONS = 32

// ---------- child: one backend instance ----------
async function serve() {
  const backend = await import(pathToFileURL(path.join(root, 'dist/backend/index.js')).href)
  const storage = JSON.parse(process.env.BENCH_STORAGE)
  await backend.initPixstoreBackend({
    dataDir: process.env.BENCH_DATA_DIR,
    storage,
    secret: process.env.BENCH_SECRET,
    proofTtlMs: 10 * 60_000,
    defaultEndpointEnabled: false,
    defaultEndpointListenPort: 0,
    errorHandlingMode: 'throw',
  })
  const { url } = await backend.startDefaultEndpoint()
  const record = process.env.BENCH_SAVE === '1' ? await backend.saveImage(await pngOfSize(IMAGE_BYTES)) : null
  process.send({ url, record })
  process.on('message', async (m) => {
    if (m === 'stop') {
      await backend.closePixstoreBackend?.()
      process.exit(0)
    }
  })
}

// ---------- parent ----------
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

function startInstance(env) {
  const child = fork(here, ['--serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench instance exited (${code})`)))
    child.once('message', (m) => resolve({ child, ...m }))
  })
}

async function stopInstance(instance) {
  const exited = new Promise((r) => instance.child.once('exit', r))
  instance.child.send('stop')
  const timer = setTimeout(() => instance.child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}

async function load(autocannon, urls, record, durationS) {
  const perTarget = Math.max(1, Math.floor(CONNECTIONS / urls.length))
  const results = await Promise.all(
    urls.map((u) =>
      autocannon({
        url: `${u}/${encodeURIComponent(record.id)}`,
        connections: perTarget,
        duration: durationS,
        headers: { 'x-pixstore-proof': record.statelessProof, 'x-pixstore-token': String(record.token) },
      }),
    ),
  )
  return {
    reqPerSec: results.reduce((s, r) => s + r.requests.average, 0),
    p50: Math.max(...results.map((r) => r.latency.p50)),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    errors: results.reduce((s, r) => s + r.errors + r.timeouts + r.non2xx, 0),
    mbPerSec: results.reduce((s, r) => s + r.throughput.average, 0) / 1e6,
  }
}

/** One request decoded by hand: the bench must measure the Success path, not fast error frames. */
async function checkSuccess(url, record) {
  const res = await fetch(`${url}/${encodeURIComponent(record.id)}`, {
    headers: { 'x-pixstore-proof': record.statelessProof, 'x-pixstore-token': String(record.token) },
  })
  const body = new Uint8Array(await res.arrayBuffer())
  // [0][ciphertext of formatByte + image]: GCM adds no length, the tag travels in the meta.
  if (res.status !== 200 || body[0] !== 0 || body.length !== 2 + IMAGE_BYTES) {
    throw new Error(`expected a Success frame of ${2 + IMAGE_BYTES} bytes, got state ${body[0]} length ${body.length}`)
  }
}

export async function run() {
  const { default: autocannon } = await import('autocannon')
  const { loadavg, cpus } = await import('node:os')
  const loadBefore = loadavg()[0]
  const pgEnv = { ...process.env, PGPORT: String(await freePort()), PGDATA: `/tmp/pixstore-bench-pg-${process.pid}` }
  const script = path.join(root, 'scripts/test-env/postgres.sh')
  const databaseUrl = execFileSync('bash', [script, 'start'], { encoding: 'utf8', env: pgEnv }).trim()
  const dataRoot = mkdtempSync(path.join(tmpdir(), 'pixstore-bench-'))
  const secret = randomBytes(32).toString('base64url')
  const rows = []
  try {
    const setups = [
      { name: 'sqlite x1', storage: { type: 'sqlite' }, processes: 1 },
      { name: 'sqlite x2 (shared dir)', storage: { type: 'sqlite' }, processes: 2 },
      { name: 'postgres x1', storage: { type: 'postgres', url: databaseUrl, schema: 'bench_x1' }, processes: 1 },
      { name: 'postgres x2', storage: { type: 'postgres', url: databaseUrl, schema: 'bench_x2' }, processes: 2 },
    ]
    for (const [i, setup] of setups.entries()) {
      const dataDir = path.join(dataRoot, `setup-${i}`)
      const env = { BENCH_STORAGE: JSON.stringify(setup.storage), BENCH_DATA_DIR: dataDir, BENCH_SECRET: secret }
      // The first process saves the image (and creates the schema) before the second starts.
      const first = await startInstance({ ...env, BENCH_SAVE: '1' })
      const instances = [first]
      for (let p = 1; p < setup.processes; p++) instances.push(await startInstance({ ...env, BENCH_SAVE: '0' }))
      try {
        for (const inst of instances) await checkSuccess(inst.url, first.record)
        await load(autocannon, instances.map((x) => x.url), first.record, 1) // warm-up: JIT, pools, proof cache
        const r = await load(autocannon, instances.map((x) => x.url), first.record, DURATION_S)
        rows.push({
          setup: setup.name,
          processes: setup.processes,
          'req/s': Math.round(r.reqPerSec),
          'p50 ms': r.p50,
          'p99 ms': r.p99,
          'MB/s': Number(r.mbPerSec.toFixed(1)),
          errors: r.errors,
        })
      } finally {
        await Promise.all(instances.map(stopInstance))
      }
    }
  } finally {
    execFileSync('bash', [script, 'stop'], { env: pgEnv, stdio: 'ignore' })
    rmSync(dataRoot, { recursive: true, force: true })
  }
  console.log(`\nendpoint-postgres: built-in endpoint, Success path, ${IMAGE_BYTES} B PNG, ${CONNECTIONS} connections, ${DURATION_S} s, 127.0.0.1`)
  console.table(rows)
  const byName = Object.fromEntries(rows.map((r) => [r.setup, r['req/s']]))
  const notes = [
    `machine: ${cpus().length} cores shared by the server processes, PostgreSQL and autocannon; 1-min load ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after (other work on the machine skews every row)`,
    `postgres x2 / x1 = ${(byName['postgres x2'] / byName['postgres x1']).toFixed(2)}; postgres x1 / sqlite x1 = ${(byName['postgres x1'] / byName['sqlite x1']).toFixed(2)}`,
    'PostgreSQL runs with fsync=off (throwaway test server); reads dominate this path, writes are not measured here',
  ]
  for (const n of notes) console.log(`  ${n}`)
  return { name: 'endpoint-postgres', rows, notes }
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === here
if (isMain && process.argv.includes('--serve')) await serve()
else if (isMain) {
  const result = await run()
  if (result.rows.some((r) => r.errors > 0)) process.exitCode = 1
}
