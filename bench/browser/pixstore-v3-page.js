// Contender "pixstore 3.2.1": its published frontend as its README shows it (getImage, then
// URL.createObjectURL), with explicit config: the published build hard-codes its test defaults
// (cache limit 50, random port, 'throw'), so its production defaults are set here by hand, and the
// endpoint is this page's origin (it builds `http://host:port/route/id`).
import { getImage, initPixstoreFrontend } from 'pixstore-v3/frontend/index.js'
import { runGallery } from './gallery.js'

initPixstoreFrontend({
  defaultEndpointConnectHost: location.hostname,
  defaultEndpointConnectPort: Number(location.port),
  defaultEndpointRoute: '/pixstore-image',
  frontendDbName: 'pixstore',
  frontendImageCacheLimit: 1000,
  frontendCleanupBatch: 50,
  errorHandlingMode: 'throw',
})

async function showOne(record, img) {
  const blob = await getImage(record)
  if (!blob) throw new Error(`getImage returned null for ${record.id}`)
  const url = URL.createObjectURL(blob)
  img.src = url
  return () => URL.revokeObjectURL(url)
}

runGallery({
  name: 'pixstore 3.2.1',
  kind: 'pixstore',
  showGallery: (items, imgs) => items.map((item, i) => showOne(item.record, imgs[i])),
})
