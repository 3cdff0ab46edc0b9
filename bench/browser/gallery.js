// The page side of the browser bench, shared by every contender: fetch the gallery's items from the
// page's JSON route, hand them to the contender's `showGallery`, wait until every <img> is decoded,
// check each one's natural size, and leave the figures in `window.__results` for the runner. The
// runner then calls `window.__hot(mode)` for renders in the same page and `window.__settle()` before
// a reload. Only the contender module differs between pages (plain-page.js, pixstore-page.js,
// pixstore-v3-page.js).

/**
 * @typedef {{ width: number, height: number, src?: string, record?: object }} GalleryItem
 * @typedef {{
 *   name: string,
 *   kind: 'plain' | 'pixstore',
 *   showGallery(items: GalleryItem[], imgs: HTMLImageElement[]): Promise<() => void>[],
 *   settle?(): Promise<void>,
 * }} Contender
 * `showGallery` starts showing items[i] in imgs[i] and returns, per image, a promise that settles
 * once that img's src is set, with the function that releases what the image holds (an object URL).
 */

const max = (xs) => (xs.length ? Math.max(...xs) : 0)
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? 0 : s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/** Image and wire requests the Resource Timing buffer saw since the last clear. */
function imageResponses() {
  return performance
    .getEntriesByType('resource')
    .filter((e) => /\/(img|pixstore-image)(\/|$)/.test(new URL(e.name).pathname))
}

/** One gallery render into `container`; times are performance.now() values. */
async function render(contender, items, container) {
  const start = performance.now()
  const imgs = items.map(() => {
    const img = document.createElement('img')
    img.alt = ''
    container.append(img)
    return img
  })
  const pending = contender.showGallery(items, imgs)
  if (pending.length !== items.length) throw new Error(`showGallery returned ${pending.length} promises for ${items.length} images`)
  const srcSet = []
  const decoded = []
  const releases = []
  const wrong = []
  await Promise.all(
    pending.map(async (shown, i) => {
      releases[i] = await shown
      srcSet.push(performance.now())
      await imgs[i].decode()
      decoded.push(performance.now())
      const { naturalWidth: w, naturalHeight: h } = imgs[i]
      if (w !== items[i].width || h !== items[i].height) wrong.push(`#${i}: ${w}x${h}, want ${items[i].width}x${items[i].height}`)
    }),
  )
  return {
    start,
    lastSrc: max(srcSet),
    // per image, render start → src set (the contender's own latency per image, under concurrency)
    medianImageSrc: median(srcSet.map((t) => t - start)),
    end: max(decoded),
    releases,
    wrong,
    decodedCount: decoded.length,
  }
}

/**
 * Runs the gallery for `contender` and publishes the results.
 * @param {Contender} contender
 */
export async function runGallery(contender) {
  const container = document.getElementById('gallery')
  const set = new URLSearchParams(location.search).get('set')
  let current
  try {
    const scriptAt = performance.now()
    const res = await fetch(`/api/gallery?set=${encodeURIComponent(set)}&kind=${contender.kind}`, { cache: 'no-store' })
    if (!res.ok) throw new Error(`gallery route: HTTP ${res.status}`)
    const items = await res.json()
    const recordsAt = performance.now()
    current = await render(contender, items, container)
    const responses = imageResponses()
    const nav = performance.getEntriesByType('navigation')[0]
    window.__results = {
      ok: current.wrong.length === 0 && current.decodedCount === items.length,
      wrong: current.wrong,
      images: items.length,
      // since navigation start (performance.timeOrigin)
      // the previous page's unload (a reload's old document) and the document's own response
      unloadEnd: nav?.unloadEventEnd ?? 0,
      documentResponse: nav?.responseEnd ?? 0,
      script: scriptAt,
      records: recordsAt,
      firstRequest: responses.length ? Math.min(...responses.map((e) => e.startTime)) : 0,
      lastResponse: max(responses.map((e) => e.responseEnd)),
      lastSrc: current.lastSrc,
      medianImageSrc: current.medianImageSrc,
      total: current.end,
      responses: responses.length,
      fromHttpCache: responses.filter((e) => e.transferSize === 0).length,
    }

    /**
     * A second render in the same page. 'remount': release the first render's images, clear the
     * DOM, render again (a component unmounted and mounted again, as the README's release() advice
     * implies). 'overlap': clear the DOM, render again, release the old images only afterwards.
     */
    window.__hot = async (mode) => {
      const previous = current
      if (mode === 'remount') for (const release of previous.releases) release?.()
      container.replaceChildren()
      performance.clearResourceTimings()
      const next = await render(contender, items, container)
      if (mode !== 'remount') for (const release of previous.releases) release?.()
      current = next
      return {
        ok: next.wrong.length === 0 && next.decodedCount === items.length,
        wrong: next.wrong,
        lastSrc: next.lastSrc - next.start,
        medianImageSrc: next.medianImageSrc,
        total: next.end - next.start,
        responses: imageResponses().length,
      }
    }
    /** Waits for the contender's background work (cache writes) where it can tell; ms it took. */
    window.__settle = async () => {
      const t = performance.now()
      await contender.settle?.()
      return performance.now() - t
    }
  } catch (error) {
    window.__results = { ok: false, error: String(error?.stack ?? error) }
  }
  // The runner waits for this line rather than polling with waitForFunction, whose injected script
  // would be compiled on the main thread in the middle of the measured load.
  console.debug('pixstore-bench:results')
}
