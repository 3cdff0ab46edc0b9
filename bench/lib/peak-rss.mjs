// Peak resident memory of one workload, measured in a fresh child process: RSS only ever grows in a
// process that has already run other contenders, so each one gets a clean process of its own.
import { spawnSync } from 'node:child_process'

/**
 * Runs `source` (an ES module text that prints `{"baseKiB","peakKiB"}` on stdout) with `args`.
 * @returns base and peak RSS in MiB
 */
export function peakRss(source, args) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', source, ...args.map(String)], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`rss child ${args[0]} failed: ${r.stderr}`)
  const { baseKiB, peakKiB } = JSON.parse(r.stdout)
  return { baseMiB: baseKiB / 1024, peakMiB: peakKiB / 1024 }
}

/**
 * The child source of an ingest contender, for peakRss(source, [kind, file, dataDir, n]): 'ours' runs
 * saveImage(bytes) n times on a backend initialised with `config` (plus the child's dataDir), any
 * other kind runs `floorSource` (the text of `(sharp, bytes) => Promise`, the very text the suite
 * evals for its timed floor) n times. RSS is sampled every 2 ms and after each run rather than read
 * from resourceUsage().maxRSS: Linux keeps a spawned child's high-water mark from the fork, so maxRSS
 * reported the bench process's own peak for every contender.
 * @param {{ backendUrl: URL, config: object, floorSource: string }} options
 */
export function ingestRssChild({ backendUrl, config, floorSource }) {
  return `
import { readFileSync } from 'node:fs'
const [kind, file, dataDir, n] = process.argv.slice(1)
const bytes = new Uint8Array(readFileSync(file))
const sharp = (await import('sharp')).default
const b = await import(${JSON.stringify(backendUrl.href)})
const floor = ${floorSource}
await b.initPixstoreBackend({ ...${JSON.stringify(config)}, dataDir })
const base = process.memoryUsage().rss
let peak = base
const sample = () => { peak = Math.max(peak, process.memoryUsage().rss) }
const timer = setInterval(sample, 2)
for (let i = 0; i < Number(n); i++) {
  if (kind === 'ours') await b.saveImage(bytes)
  else await floor(sharp, bytes)
  sample()
}
clearInterval(timer)
await b.closePixstoreBackend()
process.stdout.write(JSON.stringify({ baseKiB: base / 1024, peakKiB: peak / 1024 }))
`
}
