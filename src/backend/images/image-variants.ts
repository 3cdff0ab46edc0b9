// The decodes of an ingest: the ThumbHash placeholder and one render per configured preset, all from
// the stored original with sharp (libvips). One pipeline (auto-orientation, pixel limit) is built once
// and cloned per output, and the outputs run concurrently on libvips' threads. Each clone decodes the
// shared input on its own, which is the fast path for JPEG and WebP: libvips shrinks on load (a 320 px
// thumb of a 12 MP JPEG decodes at 1/8 scale), so one full-size decode shared by all would cost more.
// The placeholder rides on the smallest `inside` preset that is at least 100 px each way: that render
// is taken as raw pixels once, then both encoded and reduced to the ThumbHash, saving a decode.
import sharp, { type Sharp } from 'sharp'
import { describeCause } from '../../shared/describe-cause.js'
import { PixstoreError } from '../../shared/errors.js'
import { formatToMimeType } from '../../shared/image-formats.js'
import type { ImageInfo } from '../../types/index.js'
import type { ResolvedVariantPreset } from '../config/variant-presets.js'
import { placeholderOf, THUMB_SIDE } from './image-placeholder.js'

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

const resize = (pipeline: Sharp, preset: ResolvedVariantPreset) => pipeline.resize(preset.width, preset.height, { fit: preset.fit, withoutEnlargement: true })

async function rendered(pipeline: Sharp, preset: ResolvedVariantPreset): Promise<RenderedVariant> {
  const { data, info } = await encode(pipeline, preset).toBuffer({ resolveWithObject: true })
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  const mime = formatToMimeType(preset.format === 'jpeg' ? 'jpg' : preset.format)
  return { preset, bytes, info: { mime, width: info.width, height: info.height, bytes: bytes.length } }
}

// An `inside` box at least THUMB_SIDE each way holds the placeholder's own reduction of any picture,
// so reducing this render gives the placeholder the same size as reducing the original would.
function placeholderSource(presets: readonly ResolvedVariantPreset[]): ResolvedVariantPreset | undefined {
  let best: ResolvedVariantPreset | undefined
  for (const p of presets) {
    if (p.fit === 'inside' && p.width >= THUMB_SIDE && p.height >= THUMB_SIDE && (!best || p.width * p.height < best.width * best.height)) best = p
  }
  return best
}

async function renderWithPlaceholder(base: Sharp, preset: ResolvedVariantPreset): Promise<[string, RenderedVariant]> {
  const { data, info } = await resize(base.clone(), preset).raw().toBuffer({ resolveWithObject: true })
  const pixels = () => sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
  return Promise.all([placeholderOf(pixels()), rendered(pixels(), preset)])
}

/**
 * The placeholder and every preset's render of `bytes` (the stored, metadata-stripped original), as
 * displayed (EXIF orientation applied), never enlarged, first frame of an animation. Renders carry no
 * metadata (sharp writes none unless asked) and are in sRGB. `maxPixels` guards the decoder as the
 * header check does. A decode or encode failure is `IMAGE_INVALID`, and nothing is returned.
 *
 * @example
 * ```ts
 * const { placeholder, variants } = await renderImage(image.bytes, config.variants, config.maxImagePixels)
 * // variants: [{ preset: { name: 'thumb', ... }, bytes, info: { mime: 'image/webp', width: 320, height: 213, bytes: 9120 } }]
 * ```
 */
export async function renderImage(
  bytes: Uint8Array,
  presets: readonly ResolvedVariantPreset[],
  maxPixels: number,
): Promise<{ placeholder: string; variants: RenderedVariant[] }> {
  try {
    const base = sharp(bytes, { limitInputPixels: maxPixels }).rotate()
    const source = placeholderSource(presets)
    const [first, ...rest] = await Promise.all([
      source ? renderWithPlaceholder(base, source) : placeholderOf(base.clone()),
      ...presets.filter((p) => p !== source).map((p) => rendered(resize(base.clone(), p), p)),
    ])
    const [placeholder, shared] = typeof first === 'string' ? [first, undefined] : first!
    const all = shared ? [shared, ...(rest as RenderedVariant[])] : (rest as RenderedVariant[])
    // Back in preset (name) order, as the config lists them.
    const variants = presets.map((p) => all.find((v) => v.preset === p)!)
    return { placeholder, variants }
  } catch (e) {
    if (e instanceof PixstoreError) throw e
    throw new PixstoreError('IMAGE_INVALID', `image could not be rendered (${describeCause(e)})`, { cause: e })
  }
}

/**
 * Every preset's render alone (no placeholder), as {@link renderImage} makes them.
 *
 * @example
 * ```ts
 * const variants = await renderVariants(original, config.variants, config.maxImagePixels)
 * ```
 */
export async function renderVariants(bytes: Uint8Array, presets: readonly ResolvedVariantPreset[], maxPixels: number): Promise<RenderedVariant[]> {
  return (await renderImage(bytes, presets, maxPixels)).variants
}
