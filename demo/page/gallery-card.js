// One gallery entry: the image, where it came from and what it cost. The card's data-* attributes
// mirror what it shows, so an automated check reads the same facts a person sees.
import { acquireObjectUrl } from 'pixstore/frontend'

// Without cross-origin isolation browsers round performance.now() to 0.1 ms: say so rather than print 0.
const ms = (n) => (n < 0.1 ? '< 0.1 ms' : `${n.toFixed(2)} ms`)

async function shortDigest(blob) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()))
  return Array.from(digest.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join('')
}

function waitForImage(img) {
  if (img.complete && img.naturalWidth > 0) return Promise.resolve()
  return new Promise((resolve) => {
    img.addEventListener('load', resolve, { once: true })
    img.addEventListener('error', resolve, { once: true })
  })
}

export class GalleryCard {
  /** @param {{ id: string, name: string, format: string, width: number, height: number }} image */
  constructor(image, { onReplace, onInspect }) {
    this.image = image
    this.handle = null
    this.el = document.createElement('article')
    this.el.className = 'card'
    this.el.dataset.id = image.id
    this.el.dataset.state = 'loading'
    const frame = document.createElement('div')
    frame.className = 'frame'
    this.img = document.createElement('img')
    this.img.alt = image.name
    frame.append(this.img)
    const name = document.createElement('div')
    name.className = 'name'
    name.textContent = image.name
    this.facts = document.createElement('dl')
    const actions = document.createElement('div')
    actions.className = 'actions'
    this.replaceButton = document.createElement('button')
    this.replaceButton.type = 'button'
    this.replaceButton.className = 'replace'
    this.replaceButton.textContent = 'Replace on server'
    this.replaceButton.addEventListener('click', () => onReplace(this))
    const inspect = document.createElement('button')
    inspect.type = 'button'
    inspect.className = 'inspect'
    inspect.textContent = 'Inspect cache'
    inspect.addEventListener('click', () => onInspect(this))
    actions.append(this.replaceButton, inspect)
    this.el.append(frame, name, this.facts, actions)
  }

  loading() {
    this.el.dataset.state = 'loading'
  }

  /**
   * @param {import('pixstore/frontend').ImageWithInfo} info
   * @param {string} codec the implementation decoding wire payloads when the image was loaded
   */
  async show(info, codec) {
    const previous = this.handle
    this.handle = acquireObjectUrl(info.blob)
    this.img.src = this.handle.url
    previous?.release()
    this.blob = info.blob
    const digest = await shortDigest(info.blob)
    await waitForImage(this.img)
    const decodedHere = info.source === 'network'
    this.setFacts([
      ['source', info.source, `source-${info.source}`],
      ['wire bytes', info.wireBytes.toLocaleString('en') + ' B'],
      ['decode', decodedHere ? ms(info.decodeMs) : '— (no wire payload)'],
      ['decrypt', ms(info.decryptMs)],
      ['codec', decodedHere ? codec : `${codec} (idle: cache hit)`],
      ['token', String(info.token)],
      ['sha-256', `${digest}… (${info.blob.size.toLocaleString('en')} B ${info.blob.type})`],
    ])
    Object.assign(this.el.dataset, {
      state: 'loaded',
      source: info.source,
      token: String(info.token),
      wireBytes: String(info.wireBytes),
      codec,
      digest,
      blobSize: String(info.blob.size),
    })
    this.el.classList.remove('error')
  }

  fail(message) {
    this.setFacts([['error', message]])
    this.el.dataset.state = 'error'
    this.el.classList.add('error')
  }

  setFacts(rows) {
    this.facts.replaceChildren(
      ...rows.flatMap(([term, value, className]) => {
        const dt = document.createElement('dt')
        dt.textContent = term
        const dd = document.createElement('dd')
        dd.textContent = value
        if (className) dd.className = className
        return [dt, dd]
      }),
    )
  }
}
