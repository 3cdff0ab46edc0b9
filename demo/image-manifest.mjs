// The backend has no "list images" call (an application keeps its own ids, e.g. in a players table),
// so the demo keeps which image belongs to which player in a small JSON file beside the backend's data.
import { readFile, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'

/**
 * One stored image of the roster. `seed` drew its current pixels; a replacement takes the next one.
 * @typedef {{ imageId: string, playerId: string, kind: 'avatar' | 'photo', title: string, scene?: string, seed: number, replaced: number }} RosterImage
 */

export function manifestPath(dataDir) {
  return path.join(dataDir, 'demo-roster.json')
}

/** @returns {Promise<RosterImage[]>} an empty list when the file does not exist yet */
export async function loadManifest(dataDir) {
  let text
  try {
    text = await readFile(manifestPath(dataDir), 'utf8')
  } catch (error) {
    if (error.code === 'ENOENT') return []
    throw error
  }
  const list = JSON.parse(text)
  if (!Array.isArray(list)) throw new Error(`${manifestPath(dataDir)} is not a list of roster images`)
  return list
}

/** Write-then-rename, so a Ctrl-C mid-write never leaves a truncated manifest behind. */
export async function saveManifest(dataDir, images) {
  const file = manifestPath(dataDir)
  const tmp = `${file}.${process.pid}.tmp`
  await writeFile(tmp, JSON.stringify(images, null, 2) + '\n', { mode: 0o600 })
  await rename(tmp, file)
}
