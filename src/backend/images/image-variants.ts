// Renders the configured presets of one stored original with sharp (libvips). One pipeline (auto-
// orientation, pixel limit) is built once and cloned per preset, and the presets run concurrently on
// libvips' thread pool. Each clone decodes the shared input on its own, which is the fast path for
// JPEG and WebP: libvips shrinks on load (a 320 px thumb of a 12 MP JPEG decodes at 1/8 scale), so a
// single full-size decode shared by all presets would cost more than the separate reduced ones.
import sharp, { type Sharp } from 'sharp'
import { describeCause } from '../../shared/describe-cause.js'
import { PixstoreError } from '../../shared/errors.js'
import { formatToMimeType } from '../../shared/image-formats.js'
import type { ImageInfo } from '../../types/index.js'
import type { ResolvedVariantPreset } from '../config/variant-presets.js'

/** One rendered preset, ready to seal: its encoded bytes and facts (no placeholder yet). */
export interface RenderedVariant {
  preset: ResolvedVariantPreset
  bytes: Uint8Array
  info: Omit<ImageInfo, 'placeholder'>
}

function encode(pipeline: Sharp, preset: ResolvedVariantPreset): Sharp {
  const quality = preset.quality === undefined ? {} : { quality: preset.quality }
  switch (preset.format) {
    case 'webp':
      return pipeline.webp(quality)
    case 'jpeg':
      return pipeline.jpeg(quality)
    case 'avif':
      return pipeline.avif(quality)
    case 'png':
      return pipeline.png()
  }
}

/**
 * Renders every preset from `bytes` (the stored, metadata-stripped original), as displayed (EXIF
 * orientation applied), never enlarged, first frame of an animation. Output carries no metadata
 * (sharp writes none unless asked) and is converted to sRGB. `maxPixels` guards the decoder as the
 * header check does. A decode or encode failure is `IMAGE_INVALID`, and nothing is returned.
 *
 * @example
 * ```ts
 * const variants = await renderVariants(image.bytes, config.variants, config.maxImagePixels)
 * // [{ preset: { name: 'thumb', ... }, bytes, info: { mime: 'image/webp', width: 320, height: 213, bytes: 9120 } }]
 * ```
 */
export async function renderVariants(bytes: Uint8Array, presets: readonly ResolvedVariantPreset[], maxPixels: number): Promise<RenderedVariant[]> {
  if (presets.length === 0) return []
  try {
    const base = sharp(bytes, { limitInputPixels: maxPixels }).rotate()
    return await Promise.all(
      presets.map(async (preset) => {
        const resized = base.clone().resize(preset.width, preset.height, { fit: preset.fit, withoutEnlargement: true })
        const { data, info } = await encode(resized, preset).toBuffer({ resolveWithObject: true })
        const out = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
        return { preset, bytes: out, info: { mime: formatToMimeType(preset.format === 'jpeg' ? 'jpg' : preset.format), width: info.width, height: info.height, bytes: out.length } }
      }),
    )
  } catch (e) {
    throw new PixstoreError('IMAGE_INVALID', `image variants could not be rendered (${describeCause(e)})`, { cause: e })
  }
}
