// The backend has no "list images" call (an application keeps its own ids, e.g. in a users table),
// so the demo keeps its ids in a small JSON file beside the backend's data.
import { readFile, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'

/** @typedef {{ id: string, name: string, format: string, width: number, height: number, replaced: number }} DemoImage */

export function manifestPath(dataDir) {
  return path.join(dataDir, 'demo-images.json')
}

/** @returns {Promise<DemoImage[]>} an empty list when the file does not exist yet */
export async function loadManifest(dataDir) {
  let text
  try {
    text = await readFile(manifestPath(dataDir), 'utf8')
  } catch (error) {
    if (error.code === 'ENOENT') return []
    throw error
  }
  const list = JSON.parse(text)
  if (!Array.isArray(list)) throw new Error(`${manifestPath(dataDir)} is not a list of demo images`)
  return list
}

/** Write-then-rename, so a Ctrl-C mid-write never leaves a truncated manifest behind. */
export async function saveManifest(dataDir, images) {
  const file = manifestPath(dataDir)
  const tmp = `${file}.${process.pid}.tmp`
  await writeFile(tmp, JSON.stringify(images, null, 2) + '\n', { mode: 0o600 })
  await rename(tmp, file)
}
