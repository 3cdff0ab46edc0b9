// A blurred preview from `record.info.placeholder` (a ThumbHash the backend computed at save/update),
// so a page can reserve the image's box and paint something before the first byte is fetched.
import { thumbHashToDataURL } from 'thumbhash'
import { base64ToBytes } from '../crypto/base64.js'
import type { ImageInfo } from '../types/index.js'

export type { ImageInfo }

// ThumbHash is 5 header bytes plus at most a few dozen of coefficients; anything longer is not one,
// and decoding it would only cost time.
const MIN_HASH_BYTES = 5
const MAX_HASH_BYTES = 64

/**
 * A `data:image/png;base64,…` URL of the image's blurred preview (at most 32 × 32; let CSS scale
 * it), or `null` when there is none to draw: a record from a backend without media facts, an image
 * stored before them, or a value that is not a ThumbHash. Never throws; no network, no cache.
 *
 * @example
 * ```ts
 * const { info } = record
 * if (info) img.style.aspectRatio = `${info.width} / ${info.height}`
 * const preview = placeholderDataUrl(info)
 * if (preview) img.src = preview // then swap in the decrypted image when getImage resolves
 * ```
 */
export function placeholderDataUrl(info: ImageInfo | string | null | undefined): string | null {
  const text = typeof info === 'string' ? info : typeof info === 'object' && info !== null ? info.placeholder : undefined
  if (typeof text !== 'string' || text.length > Math.ceil(MAX_HASH_BYTES / 3) * 4) return null
  const hash = base64ToBytes(text)
  if (hash === null || hash.length < MIN_HASH_BYTES || hash.length > MAX_HASH_BYTES) return null
  try {
    return thumbHashToDataURL(hash)
  } catch {
    return null
  }
}
