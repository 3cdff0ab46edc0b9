// `npm install` (prepare) and `npm run build`: every artefact the tests, the demo and the package need.
// 1. assembly/ -> .wasm -> src/codec/wasm/wasm-bytes.generated.ts (the bytes embedded as base64)
// 2. src/ -> dist/ (tsc: ESM + .d.ts for every subpath export)
// 3. the browser bundle of pixstore/frontend (esbuild), its size reported
import { spawnSync } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

function run(label, command, args) {
  const started = performance.now()
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) {
    console.error(`[build] ${label} failed (exit ${result.status})`)
    process.exit(result.status ?? 1)
  }
  console.log(`[build] ${label} ok in ${Math.round(performance.now() - started)} ms`)
}

if (existsSync(path.join(root, 'scripts/build-wasm.mjs'))) run('wasm', process.execPath, ['scripts/build-wasm.mjs'])
// From empty: a module deleted from src/ must not live on (and ship) as a stale file in dist/.
rmSync(path.join(root, 'dist'), { recursive: true, force: true })
run('tsc', process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'])
if (existsSync(path.join(root, 'scripts/build-browser.mjs'))) run('browser bundle', process.execPath, ['scripts/build-browser.mjs'])
