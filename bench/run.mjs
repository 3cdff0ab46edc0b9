// `npm run bench [-- name ...]`: runs bench/suites/*.mjs in name order (or only the named ones) in
// this one process. Each suite's `run()` prints its own table and returns { name, rows, notes },
// saved here to bench/results/<name>.json. Suites import the built code from dist/.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const suitesDir = path.join(root, 'bench/suites')
const resultsDir = path.join(root, 'bench/results')

if (!existsSync(path.join(root, 'dist'))) {
  console.log('[bench] dist/ is missing: npm run build')
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
}

const wanted = process.argv.slice(2).map((name) => name.replace(/\.mjs$/, ''))
const available = readdirSync(suitesDir)
  .filter((file) => file.endsWith('.mjs'))
  .map((file) => file.slice(0, -'.mjs'.length))
  .sort()
const unknown = wanted.filter((name) => !available.includes(name))
if (unknown.length > 0) {
  console.error(`[bench] unknown suite(s): ${unknown.join(', ')}; available: ${available.join(', ')}`)
  process.exit(2)
}
const selected = wanted.length > 0 ? available.filter((name) => wanted.includes(name)) : available

const environment = {
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
}
console.log(`[bench] ${selected.join(', ')} on Node ${environment.node}, ${environment.cores} × ${environment.cpu}`)

mkdirSync(resultsDir, { recursive: true })
let failed = false
for (const name of selected) {
  const started = performance.now()
  try {
    const suite = await import(pathToFileURL(path.join(suitesDir, `${name}.mjs`)).href)
    const result = await suite.run()
    const seconds = (performance.now() - started) / 1000
    const file = path.join(resultsDir, `${result.name ?? name}.json`)
    const saved = { ...result, measuredAt: new Date().toISOString(), seconds: Number(seconds.toFixed(1)), environment }
    writeFileSync(file, JSON.stringify(saved, null, 2) + '\n')
    console.log(`[bench] ${name}: ${seconds.toFixed(1)} s -> ${path.relative(root, file)}`)
  } catch (error) {
    failed = true
    console.error(`[bench] ${name} failed:`, error)
  }
}
process.exit(failed ? 1 : 0)
