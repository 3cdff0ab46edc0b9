// Where the demo keeps its data and which port it listens on, from the environment (and two flags).
// It binds 127.0.0.1 only: its sign-in has no passwords (anyone who reaches the page may sign in as
// any demo user), so it must not be reachable from the network.
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const DEMO_HOST = '127.0.0.1'
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

function port(name, raw, fallback) {
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number from 0 to 65535 (0 = any free port), got "${raw}"`)
  return n
}

function flag(argv, name) {
  const i = argv.indexOf(name)
  if (i !== -1) return argv[i + 1]
  const inline = argv.find((a) => a.startsWith(`${name}=`))
  return inline?.slice(name.length + 1)
}

/**
 * PIXSTORE_DEMO_DATA_DIR / --data-dir: data directory (default `<repo>/.pixstore-demo`, git-ignored).
 * PIXSTORE_DEMO_PORT / --port: the app, page, API and image route (default 3000; 0 = any free port).
 * PIXSTORE_DEMO_PROOF_TTL_MS: proof lifetime (default: the library's, 5 minutes).
 */
export function readDemoOptions(env = process.env, argv = process.argv.slice(2)) {
  const dataDir = path.resolve(flag(argv, '--data-dir') ?? env.PIXSTORE_DEMO_DATA_DIR ?? path.join(repoRoot, '.pixstore-demo'))
  const pagePort = port('PIXSTORE_DEMO_PORT', flag(argv, '--port') ?? env.PIXSTORE_DEMO_PORT, 3000)
  // Only to watch (or test) refreshRecord without waiting out the library's 5-minute default.
  const ttl = env.PIXSTORE_DEMO_PROOF_TTL_MS
  let proofTtlMs
  if (ttl !== undefined && ttl !== '') {
    proofTtlMs = Number(ttl)
    if (!Number.isSafeInteger(proofTtlMs) || proofTtlMs < 1) throw new Error(`PIXSTORE_DEMO_PROOF_TTL_MS must be a positive number of milliseconds, got "${ttl}"`)
  }
  return { dataDir, pagePort, proofTtlMs, repoRoot }
}
