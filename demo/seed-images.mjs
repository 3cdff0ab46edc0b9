// First run: draw and store every player's avatar and photos. Later runs keep what is there, so the
// cache in the browser and the secret on disk stay meaningful across restarts.
import { getImageRecord, imageExists, regenerateVariants, saveImage, updateImage } from 'pixstore/backend'
import { renderAvatar, renderScene } from './content/render-image.mjs'
import { loadManifest, saveManifest } from './image-manifest.mjs'
import { PLAYERS, TEAM } from './roster.mjs'

export const PHOTO_SIZE = { width: 1200, height: 800 }
export const AVATAR_SIZE = 512
/** The backend's variant presets: a thumbnail sharp enough for a 2x screen at list size. */
export const VARIANTS = { thumb: { width: 360, height: 360, fit: 'inside', format: 'webp', quality: 80 } }

const initials = (name) => name.split(' ').map((part) => part[0]).join('').toUpperCase()

/**
 * The bytes of one roster image for a seed (the same seed gives the same bytes).
 * @param {import('./image-manifest.mjs').RosterImage} image
 * @param {number} seed
 */
export async function drawImage(image, seed) {
  if (image.kind === 'avatar') {
    const player = PLAYERS.find((p) => p.id === image.playerId)
    return renderAvatar({ initials: initials(player.name), number: player.number, colors: TEAM.colors, seed, size: AVATAR_SIZE })
  }
  return renderScene({ kind: image.scene, seed, ...PHOTO_SIZE })
}

/** Stores a new version of `image` drawn from its next seed, and records that in the manifest. */
export async function replaceImage(dataDir, images, image) {
  const seed = image.seed + 1000
  const record = await updateImage(image.imageId, await drawImage(image, seed))
  if (!record) return null
  image.seed = seed
  image.replaced += 1
  await saveManifest(dataDir, images)
  return record
}

/** @returns {Promise<{ images: import('./image-manifest.mjs').RosterImage[], seeded: number }>} */
export async function ensureRosterImages(dataDir) {
  const known = await loadManifest(dataDir)
  let complete = known.length > 0
  for (const image of known) {
    if (!(await imageExists(image.imageId))) complete = false
  }
  if (complete) {
    // A data directory from before the presets (or with other ones): render the thumbnails now, as
    // new versions (a browser holding the old records gets them as `Updated`).
    const first = await getImageRecord(known[0].imageId)
    if (!first?.variants?.thumb) await regenerateVariants()
    return { images: known, seeded: 0 }
  }
  const images = []
  let seed = 1
  for (const player of PLAYERS) {
    const planned = [
      { playerId: player.id, kind: 'avatar', title: `${player.name}'s avatar` },
      ...player.photos.map((photo) => ({ playerId: player.id, kind: 'photo', title: photo.title, scene: photo.kind })),
    ]
    for (const plan of planned) {
      const image = { imageId: '', ...plan, seed: seed++, replaced: 0 }
      const record = await saveImage(await drawImage(image, image.seed), image.kind === 'avatar' ? 'avatars' : 'photos')
      if (!record) throw new Error(`could not store ${image.title}`)
      image.imageId = record.id
      images.push(image)
    }
  }
  await saveManifest(dataDir, images)
  return { images, seeded: images.length }
}
