// Contender "Pixstore": how the page shows one image with our frontend. This is the one module to
// change when the frontend's API changes (e.g. a ref-counted `getImageUrl`, or a batch call taking
// every record at once: `showGallery` gets the whole list so it can make one call for all of them).
//
// Today: the README's frontend snippet, `getImage(record)` then `acquireObjectUrl(blob)`, released
// when the image goes away.
import { acquireObjectUrl, getCacheStats, getImage, initPixstoreFrontend } from '../../src/frontend/index.ts'
import { runGallery } from './gallery.js'

initPixstoreFrontend({ endpointBaseUrl: '/pixstore-image' }) // same origin, everything else default

async function showOne(record, img) {
  const blob = await getImage(record)
  if (!blob) throw new Error(`getImage returned null for ${record.id}`)
  const handle = acquireObjectUrl(blob)
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
