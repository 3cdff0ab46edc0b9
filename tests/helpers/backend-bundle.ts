// Child processes (restart, multi-process, crash tests) run plain Node, which cannot load the TS
// sources: bundle `src/backend/index.ts` once per test file with esbuild, into node_modules/.cache
// so the bundle's bare imports (better-sqlite3, file-type) resolve to the project's packages.
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('../..', import.meta.url))

/**
 * Bundles the backend entry and returns the bundle's absolute path. `withAdapters` adds the fetch
 * adapter's exports to the same bundle, so a child process serves both from one backend instance.
 */
export async function bundleBackend(options: { withAdapters?: boolean } = {}): Promise<string> {
  const dir = join(root, 'node_modules', '.cache', 'pixstore-tests')
  mkdirSync(dir, { recursive: true })
  const outfile = join(dir, `backend-${randomUUID()}.mjs`)
  const entry = options.withAdapters
    ? { stdin: { contents: "export * from './src/backend/index.ts'\nexport { createPixstoreFetchHandler } from './src/backend/adapters/fetch.ts'", resolveDir: root, loader: 'ts' as const } }
    : { entryPoints: [join(root, 'src/backend/index.ts')] }
  await build({
    ...entry,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'silent',
  })
  return outfile
}
