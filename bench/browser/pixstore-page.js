// Contender "Pixstore": how the page shows one image with our frontend. This is the one module to
// change when the frontend's API changes.
//
// The README's frontend snippet: `getImageUrl(record)`, its URL on the img, `release()` when the
// image goes away (the gallery's 'remount' releases then renders again in the same task: the
// URL's one-macrotask grace period keeps it, as it would for a page that re-renders). The calls of
// one render are made together, so the frontend reads and fetches them together.
import { getCacheStats, getImageUrl, initPixstoreFrontend } from '../../src/frontend/index.ts'
import { runGallery } from './gallery.js'

initPixstoreFrontend({ endpointBaseUrl: '/pixstore-image' }) // same origin, everything else default

async function showOne(record, img) {
  const handle = await getImageUrl(record)
  if (!handle) throw new Error(`getImageUrl returned null for ${record.id}`)
  img.src = handle.url
  return () => handle.release()
}

runGallery({
  name: 'pixstore',
  kind: 'pixstore',
  showGallery: (items, imgs) => items.map((item, i) => showOne(item.record, imgs[i])),
  // getCacheStats waits for the background IndexedDB writes before it counts
  settle: async () => {
    await getCacheStats()
  },
})
