import type { StripOptions } from './contract.js'
import { tsContainerCodec } from './ts/ts-container.js'

/**
 * The image without EXIF, XMP, IPTC, comments and other non-rendering metadata (GPS, camera serial,
 * embedded thumbnails), losslessly: JPEG segments, PNG chunks, WebP chunks and GIF extensions are
 * dropped, the coded pixels and the ICC profile are kept byte for byte, and a minimal EXIF holding
 * only the orientation is written back when it is not 1. AVIF carrying Exif/XMP items throws
 * `IMAGE_UNSUPPORTED_FORMAT` (check `readImageContainer(bytes).strippable` first). Returns `bytes`
 * itself when there is nothing to drop.
 *
 * @example
 * ```ts
 * const clean = stripImageMetadata(upload)               // everything but the colour profile
 * const withXmp = stripImageMetadata(upload, { keep: { xmp: true } })
 * ```
 */
export function stripImageMetadata(bytes: Uint8Array, options?: StripOptions): Uint8Array {
  return tsContainerCodec.stripImageMetadata(bytes, options)
}
