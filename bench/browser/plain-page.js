// Contender "plain": <img src> straight from the page's origin, images served with
// `Cache-Control: public, max-age=31536000, immutable` (the bar Pixstore is measured against).
import { runGallery } from './gallery.js'

runGallery({
  name: 'plain',
  kind: 'plain',
  showGallery: (items, imgs) =>
    items.map((item, i) => {
      imgs[i].src = item.src
      return Promise.resolve(() => {})
    }),
})

// The floor under any frontend that shows bytes it holds rather than a URL the browser loads itself:
// the same images, already in memory (read from the HTTP cache before the clock starts), each
// wrapped in a Blob and shown through URL.createObjectURL, until every one is decoded. Pixstore's
// decrypted images reach the screen this way, so its warm figure cannot go below this one; the
// runner calls it after the hot renders and reports it beside the gallery table.
window.__blobFloor = async () => {
  const set = new URLSearchParams(location.search).get('set')
  const items = await (await fetch(`/api/gallery?set=${encodeURIComponent(set)}&kind=plain`, { cache: 'no-store' })).json()
  const bytes = await Promise.all(items.map(async (item) => (await fetch(item.src)).arrayBuffer()))
  const container = document.getElementById('gallery')
  container.replaceChildren()
  const start = performance.now()
  const urls = []
  const imgs = bytes.map((b) => {
    const img = document.createElement('img')
    container.append(img)
    const url = URL.createObjectURL(new Blob([b], { type: 'image/png' }))
    urls.push(url)
    img.src = url
    return img
  })
  await Promise.all(imgs.map((img) => img.decode()))
  const total = performance.now() - start
  const wrong = imgs.filter((img, i) => img.naturalWidth !== items[i].width || img.naturalHeight !== items[i].height).length
  for (const url of urls) URL.revokeObjectURL(url)
  return { total, ok: wrong === 0 }
}
