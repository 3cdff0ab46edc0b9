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
