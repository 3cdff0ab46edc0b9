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
