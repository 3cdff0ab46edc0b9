// The demo runs the built package (dist/), not src/: after editing src/, an un-rebuilt dist/ would
// show the old behaviour without a word. Warn instead (a warning only: the build may be intended).
import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'

async function newestMtime(dir) {
  let newest = 0
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    const { mtimeMs } = await stat(path.join(entry.parentPath ?? entry.path, entry.name))
    if (mtimeMs > newest) newest = mtimeMs
  }
  return newest
}

/** @returns {Promise<string | null>} a warning when src/ changed after the last build */
export async function staleBuildWarning(repoRoot) {
  try {
    const built = (await stat(path.join(repoRoot, 'dist/frontend/index.js'))).mtimeMs
    const edited = await newestMtime(path.join(repoRoot, 'src'))
    return edited > built ? 'src/ changed after the last build: run `npm run build` to see those changes in the demo' : null
  } catch {
    return null // no src/ (installed package) or no dist/ (reported elsewhere)
  }
}
