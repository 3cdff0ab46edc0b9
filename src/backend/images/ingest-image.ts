// The write path's checks and facts, in order, all before anything is sealed or stored: bytes and
// sniffed format, header limits, the metadata strip, then the placeholder and the preset renders
// (image-variants.ts: concurrent decodes of the same stripped bytes). Any failure throws and stores
// nothing.
import { stripImageMetadata } from '../../media/index.js'
import { PixstoreError } from '../../shared/errors.js'
import { formatToMimeType } from '../../shared/image-formats.js'
import type { ImageInfo } from '../../types/index.js'
import type { ResolvedBackendConfig } from '../config/backend-config.js'
import { checkImageHeaders } from './image-headers.js'
import { checkImage, type CheckedImage } from './image-input.js'
import { renderImage, type RenderedVariant } from './image-variants.js'

/** One preset's output, ready to seal, with its facts (the original's placeholder included). */
export interface IngestedVariant extends Omit<RenderedVariant, 'info'> {
  info: ImageInfo
}

/**
 * A checked image ready to seal: the bytes to store (stripped unless keepMetadata), their facts, and
 * one variant per configured preset.
 */
export interface IngestedImage extends CheckedImage {
  info: ImageInfo
  variants: IngestedVariant[]
}

/** The config keys the ingest reads. */
export type IngestConfig = Pick<ResolvedBackendConfig, 'maxImageBytes' | 'imageFormats' | 'maxImagePixels' | 'maxImageFrames' | 'keepMetadata'> &
  Partial<Pick<ResolvedBackendConfig, 'variants'>>

/**
 * Validates an upload and prepares what is stored for it. Throws `IMAGE_EMPTY`, `IMAGE_TOO_LARGE`,
 * `IMAGE_INVALID`, `IMAGE_UNSUPPORTED_FORMAT`, `IMAGE_TOO_MANY_PIXELS`, `IMAGE_TOO_MANY_FRAMES`, or
 * `IMAGE_METADATA_UNSTRIPPABLE` (an AVIF with Exif/XMP while keepMetadata is false).
 *
 * @example
 * ```ts
 * const image = await ingestImage(req.body, state.config) // { bytes, format, formatByte, info: { mime, width, height, bytes, placeholder }, variants: [...] }
 * ```
 */
export async function ingestImage(input: unknown, config: IngestConfig): Promise<IngestedImage> {
  const image = await checkImage(input, config)
  const facts = checkImageHeaders(image, config)
  let bytes = image.bytes
  if (!config.keepMetadata) {
    // AVIF keeps Exif/XMP as items addressed by absolute offsets (iloc); dropping them losslessly
    // means rewriting those offsets, which the container module does not do. Re-encoding would
    // change the pixels the app uploaded, so the honest answer is to refuse and say how to proceed.
    if (!facts.strippable) {
      throw new PixstoreError(
        'IMAGE_METADATA_UNSTRIPPABLE',
        `${facts.format} image carries Exif/XMP that cannot be removed without re-encoding: strip it before upload, or set keepMetadata: true to store it as is`,
      )
    }
    bytes = stripImageMetadata(bytes)
  }
  const { placeholder, variants: rendered } = await renderImage(bytes, config.variants ?? [], config.maxImagePixels)
  const info: ImageInfo = {
    mime: formatToMimeType(image.format),
    width: facts.displayWidth,
    height: facts.displayHeight,
    bytes: bytes.length,
    placeholder,
  }
  // A variant shows the same picture, so the original's preview stands for it too.
  const variants = rendered.map((v) => ({ ...v, info: { ...v.info, placeholder } }))
  return { ...image, bytes, info, variants }
}
