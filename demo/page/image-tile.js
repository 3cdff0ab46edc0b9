// One image on the roster (an avatar or a photo): its box is reserved from the record's media facts
// and painted with the blurred placeholder until the decrypted image arrives. The tile's data-*
// attributes mirror what it shows, so an automated check reads the same facts a person sees.
import { acquireObjectUrl, placeholderDataUrl } from 'pixstore/frontend'

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

export class ImageTile {
  /**
   * @param {{ imageId: string, playerId: string, title: string, kind: 'avatar' | 'photo', record?: object, locked?: string }} image
   * @param {{ onOpen?: (tile: ImageTile) => void }} handlers
   */
  constructor(image, { onOpen } = {}) {
    this.image = image
    this.record = image.record ?? null
    // Lists show the thumbnail when the backend made one; the original waits until the photo is opened.
    this.variant = this.record?.variants?.thumb ? 'thumb' : undefined
    this.handle = null
    this.blob = null
    const el = document.createElement(image.locked || !onOpen ? 'div' : 'button')
    if (el instanceof HTMLButtonElement) {
      el.type = 'button'
      el.addEventListener('click', () => onOpen(this))
      el.setAttribute('aria-label', `Open ${image.title}`)
    }
    el.className = `tile tile-${image.kind}`
    el.dataset.imageId = image.imageId
    el.dataset.playerId = image.playerId
    el.dataset.kind = image.kind
    if (this.variant) el.dataset.variant = this.variant
    this.el = el
    this.img = document.createElement('img')
    this.img.alt = image.title
    this.img.decoding = 'async'
    if (image.locked) {
      el.dataset.state = 'locked'
      el.classList.add('locked')
      const text = document.createElement('span')
      text.className = 'lock-text'
      text.textContent = image.locked
      el.append(text)
    } else {
      el.dataset.state = 'waiting'
      this.paintPlaceholder()
      el.append(this.img)
    }
    if (image.kind === 'photo') {
      const label = document.createElement('span')
      label.className = 'tile-label'
      label.textContent = image.title
      el.append(label)
    }
  }

  paintPlaceholder() {
    const info = this.record?.info
    if (info?.width && info?.height) this.el.style.aspectRatio = `${info.width} / ${info.height}`
    const preview = placeholderDataUrl(info)
    if (preview) this.el.style.backgroundImage = `url("${preview}")`
    this.el.dataset.placeholder = preview ? 'thumbhash' : 'none'
  }

  loading() {
    this.el.dataset.state = 'loading'
    this.el.classList.remove('error')
    this.errorText?.remove()
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
    Object.assign(this.el.dataset, {
      state: 'loaded',
      source: info.source,
      token: String(info.token),
      wireBytes: String(info.wireBytes),
      decodedBy: codec,
      digest,
      blobSize: String(info.blob.size),
    })
    this.info = info
  }

  fail(message) {
    this.el.dataset.state = 'error'
    this.el.classList.add('error')
    this.el.dataset.error = message
    this.errorText ??= Object.assign(document.createElement('span'), { className: 'error-text' })
    this.errorText.textContent = `Couldn't load: ${message}`
    this.el.append(this.errorText)
  }

  release() {
    this.handle?.release()
    this.handle = null
  }
}
