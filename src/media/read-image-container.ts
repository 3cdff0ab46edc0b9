import type { ImageContainerInfo } from './contract.js'
import { tsContainerCodec } from './ts/ts-container.js'

/**
 * Format, stored and displayed size, EXIF orientation, frame count and metadata kinds of an image,
 * from its headers only (no pixel is decoded), so the ingest can refuse a decompression bomb
 * (`width * height` above `maxImagePixels`) before any decoder runs. Strict and bounded: a malformed
 * file throws `IMAGE_INVALID` naming the fault and its byte offset.
 *
 * @example
 * ```ts
 * const info = readImageContainer(bytes) // { format: 'jpeg', width: 4032, height: 3024, orientation: 6, displayWidth: 3024, ... }
 * if (info.width * info.height > 50_000_000) throw new PixstoreError('IMAGE_TOO_LARGE', '...')
 * ```
 */
export function readImageContainer(bytes: Uint8Array): ImageContainerInfo {
  return tsContainerCodec.readImageContainer(bytes)
}
