// The `variants` section of the backend config: the allowlist of resize presets. A client can only
// name one of these; it never passes a size (free size parameters are how image proxies get DoS'd).
import { configInteger, configOneOf, readConfig } from '../../shared/config-reader.js'
import { PixstoreError } from '../../shared/errors.js'
import { formatToByte } from '../../shared/image-formats.js'
import { isVariantName } from '../../shared/variant-name.js'
import type { VariantPreset } from '../../types/index.js'
import { MAX_VARIANTS_PER_VERSION } from '../storage/contract.js'

/** A checked preset with its name, defaults filled in, format byte and fingerprint. */
export interface ResolvedVariantPreset {
  name: string
  width: number
  height: number
  fit: NonNullable<VariantPreset['fit']>
  format: NonNullable<VariantPreset['format']>
  quality: number | undefined
  /** The variant plaintext's first byte (the format's position in `imageFormats`). */
  formatByte: number
  /**
   * Stored with every variant it made: a preset whose fingerprint differs from a stored variant's has
   * changed, and `regenerateVariants` remakes that image. `v1` names the generation pipeline.
   */
  fingerprint: string
}

const FITS = ['inside', 'cover', 'contain', 'fill', 'outside'] as const
const FORMATS = ['webp', 'jpeg', 'png', 'avif'] as const
/** libvips' own bound on an output side. */
export const MAX_VARIANT_SIDE = 16384

function invalid(message: string): never {
  throw new PixstoreError('CONFIG_INVALID', message)
}

// The sniffed name of each output format, as the original of that format would be stored (file-type
// reads a JPEG as `jpg`), so a variant and an original of one format carry the same byte.
const FORMAT_NAMES: Record<ResolvedVariantPreset['format'], readonly string[]> = {
  webp: ['webp'],
  jpeg: ['jpg', 'jpeg'],
  png: ['png'],
  avif: ['avif'],
}

/**
 * Reads `variants` (own properties only, at most 8 presets, names per `isVariantName`, known keys
 * only) and returns the presets in name order. Every failure is `CONFIG_INVALID` naming the preset.
 *
 * @example
 * ```ts
 * resolveVariantPresets({ thumb: { width: 320, height: 320 } }, ['png', 'webp'])
 * // [{ name: 'thumb', width: 320, height: 320, fit: 'inside', format: 'webp', formatByte: 2, fingerprint: 'v1:320x320:inside:webp:q-' }]
 * ```
 */
export function resolveVariantPresets(value: unknown, imageFormats: readonly string[]): ResolvedVariantPreset[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) invalid('variants must be an object of presets, e.g. { thumb: { width: 320, height: 320 } }')
  const names = Object.keys(value).sort()
  if (names.length > MAX_VARIANTS_PER_VERSION) invalid(`variants has ${names.length} presets; at most ${MAX_VARIANTS_PER_VERSION}`)
  return names.map((name) => {
    if (!isVariantName(name)) invalid(`variant name "${(name as string).slice(0, 40)}" must be a lower-case letter, then up to 31 of a-z, 0-9, "_", "-"`)
    const key = `variants.${name}`
    const p = readConfig((value as Record<string, unknown>)[name], ['width', 'height', 'fit', 'format', 'quality'] as const, key)
    if (p.width === undefined || p.height === undefined) invalid(`${key} needs width and height`)
    const width = configInteger(`${key}.width`, p.width, 1, MAX_VARIANT_SIDE)
    const height = configInteger(`${key}.height`, p.height, 1, MAX_VARIANT_SIDE)
    const fit = p.fit === undefined ? 'inside' : configOneOf(`${key}.fit`, p.fit, FITS)
    const format = p.format === undefined ? 'webp' : configOneOf(`${key}.format`, p.format, FORMATS)
    const quality = p.quality === undefined ? undefined : configInteger(`${key}.quality`, p.quality, 1, 100)
    // PNG is lossless: a quality would silently mean sharp's palette quantisation, not what was asked.
    if (quality !== undefined && format === 'png') invalid(`${key}.quality does not apply to png (lossless)`)
    const formatName = FORMAT_NAMES[format].find((f) => formatToByte(f, imageFormats) !== 0)
    if (formatName === undefined) invalid(`${key}.format ${format} is not in imageFormats, so its variants would have no format byte`)
    return {
      name,
      width,
      height,
      fit,
      format,
      quality,
      formatByte: formatToByte(formatName, imageFormats),
      fingerprint: `v1:${width}x${height}:${fit}:${format}:q${quality ?? '-'}`,
    }
  })
}
