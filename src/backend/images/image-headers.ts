// The limits an upload must pass before any decoder sees it: what its headers claim (size, frames)
// and that the container agrees with the sniffed format. A 20000 × 20000 PNG of a few hundred bytes
// is refused here, unread, instead of asking a decoder for 1.6 GB of pixels.
import { readImageContainer, type ContainerFormat, type ImageContainerInfo } from '../../media/index.js'
import { PixstoreError } from '../../shared/errors.js'
import type { CheckedImage } from './image-input.js'

// file-type's extension → the container reader's format. Anything else the app listed in
// imageFormats (bmp, tiff, heic, ...) has no header reader, so no pixel limit could be enforced.
const CONTAINER_OF: Readonly<Record<string, ContainerFormat>> = { png: 'png', jpg: 'jpeg', webp: 'webp', gif: 'gif', avif: 'avif' }

/** The header limits of the backend config. */
export interface HeaderLimits {
  maxImagePixels: number
  maxImageFrames: number
}

/**
 * Reads the container headers of a sniffed image and enforces the pixel and frame limits. Throws
 * `IMAGE_UNSUPPORTED_FORMAT` (no header reader for the format), `IMAGE_INVALID` (malformed headers,
 * or a container that is not the sniffed format), `IMAGE_TOO_MANY_PIXELS`, `IMAGE_TOO_MANY_FRAMES`.
 *
 * @example
 * ```ts
 * const facts = checkImageHeaders(await checkImage(bytes, config), config) // { width, height, orientation, frames, ... }
 * ```
 */
export function checkImageHeaders(image: CheckedImage, limits: HeaderLimits): ImageContainerInfo {
  const expected = Object.hasOwn(CONTAINER_OF, image.format) ? CONTAINER_OF[image.format] : undefined
  if (expected === undefined) {
    throw new PixstoreError('IMAGE_UNSUPPORTED_FORMAT', `image format "${image.format}" has no header reader (png, jpeg, webp, gif, avif), so its pixel limit cannot be checked`)
  }
  const facts = readImageContainer(image.bytes)
  if (facts.format !== expected) {
    throw new PixstoreError('IMAGE_INVALID', `image sniffs as ${image.format} but its container reads as ${facts.format}`)
  }
  const pixels = facts.width * facts.height
  if (pixels > limits.maxImagePixels) {
    throw new PixstoreError('IMAGE_TOO_MANY_PIXELS', `image is ${facts.width} × ${facts.height} = ${pixels} pixels, over maxImagePixels (${limits.maxImagePixels})`)
  }
  if (facts.frames > limits.maxImageFrames) {
    throw new PixstoreError('IMAGE_TOO_MANY_FRAMES', `image has ${facts.frames} frames, over maxImageFrames (${limits.maxImageFrames})`)
  }
  return facts
}
