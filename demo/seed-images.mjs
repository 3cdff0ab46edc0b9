// First run: store a dozen generated images (PNG, GIF, JPEG, WebP in several sizes). Later runs keep
// what is there, so the cache in the browser and the secret on disk stay meaningful across restarts.
import { imageExists, saveImage } from 'pixstore/backend'
import { generateSampleImages } from '../scripts/lib/sample-images.mjs'
import { loadManifest, saveManifest } from './image-manifest.mjs'

/** @returns {Promise<{ images: import('./image-manifest.mjs').DemoImage[], seeded: number }>} */
export async function ensureDemoImages(dataDir) {
  const known = await loadManifest(dataDir)
  const present = []
  for (const image of known) {
    if (await imageExists(image.id)) present.push(image)
  }
  if (present.length > 0) {
    if (present.length !== known.length) await saveManifest(dataDir, present)
    return { images: present, seeded: 0 }
  }
  const images = []
  for (const sample of generateSampleImages()) {
    const record = await saveImage(sample.bytes, 'demo')
    if (!record) throw new Error(`could not store ${sample.name}`)
    const { name, format, width, height } = sample
    images.push({ id: record.id, name, format, width, height, replaced: 0 })
  }
  await saveManifest(dataDir, images)
  return { images, seeded: images.length }
}
