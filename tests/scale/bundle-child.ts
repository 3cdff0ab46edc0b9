// Child processes run TypeScript sources, and Node 20 cannot strip types: each child script is bundled
// with esbuild (≈50 ms) into node_modules/.cache, where bare imports (pg, better-sqlite3) still resolve.
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { build } from 'esbuild'

const root = path.resolve(import.meta.dirname, '../..')

/** Bundles `tests/scale/children/<name>.ts` and returns the path of the runnable .mjs. */
export async function bundleChild(name: string): Promise<string> {
  const outDir = path.join(root, 'node_modules/.cache/pixstore-scale')
  mkdirSync(outDir, { recursive: true })
  const outfile = path.join(outDir, `${name}-${process.pid}.mjs`)
  await build({
    entryPoints: [path.join(root, 'tests/scale/children', `${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  })
  return outfile
}
