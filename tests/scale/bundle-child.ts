// Child processes run TypeScript sources, and Node 20 cannot strip types: src/, tests/scale/ and the
// demo's generator are transpiled file by file with esbuild (no bundling, so the storage factory's
// dynamic import of the PostgreSQL adapter still finds its file) into node_modules/.cache, where
// bare imports (pg, better-sqlite3) resolve from the project's node_modules.
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { build } from 'esbuild'

const root = path.resolve(import.meta.dirname, '../..')

function tsFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => path.join(e.parentPath, e.name))
}

let outDir: Promise<string> | undefined

function transpileOnce(): Promise<string> {
  outDir ??= (async () => {
    const dir = path.join(root, 'node_modules/.cache/pixstore-scale', String(process.pid))
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    // Inside node_modules Node does not look past the boundary for "type": "module".
    writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n')
    await build({
      entryPoints: [...tsFiles('src'), ...tsFiles('tests/scale')],
      outbase: root,
      outdir: dir,
      bundle: false,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'error',
    })
    mkdirSync(path.join(dir, 'scripts/lib'), { recursive: true })
    cpSync(path.join(root, 'scripts/lib/sample-images.mjs'), path.join(dir, 'scripts/lib/sample-images.mjs'))
    return dir
  })()
  return outDir
}

/** Transpiles (once per process) and returns the path of runnable `tests/scale/children/<name>.js`. */
export async function bundleChild(name: string): Promise<string> {
  return path.join(await transpileOnce(), 'tests/scale/children', `${name}.js`)
}

/** Removes this process's transpiled tree. */
export async function removeChildren(): Promise<void> {
  if (!outDir) return
  const dir = await outDir.catch(() => undefined)
  outDir = undefined
  if (dir) rmSync(dir, { recursive: true, force: true })
}
