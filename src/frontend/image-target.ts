// What one getImage / getImageUrl call asks for: the original of a record, or one of the variants it
// lists. Each variant is a cache slot of its own (its own ciphertext, key and IV), so every tier keys
// on the slot, never on the id alone: a variant's bytes can never be served as the original or as
// another variant, and each is decrypted only with the key material the record lists for it.
import { PixstoreError } from '../shared/errors.js'
import { isVariantName } from '../shared/variant-name.js'
import type { ImageMeta, ImageRecord } from '../types/index.js'
import { causeText } from './cause-text.js'
import { metaToKeyMaterial, type KeyMaterial } from './decrypt-image.js'
import { validateRecord } from './record-validation.js'

/** The third argument of getImage, getImageUrl and getImageWithInfo. */
export interface ImageRequestOptions {
  /** A variant name the record lists in `record.variants` (absent, undefined or null: the original). */
  variant?: string | null
}

export interface ImageTarget {
  /** The variant name, undefined for the original. */
  variant: string | undefined
  /** The cache slot: the id for the original, `${id}@${variant}` for a variant. */
  slot: string
  /** The record's meta for this slot (the variant's own for a variant). */
  meta: ImageMeta
  material: KeyMaterial
}

// `@` cannot occur in an image id ([dir:]name of letters, digits, `_`, `-`) nor in a variant name, so
// a variant's slot never equals another image's id or another variant's slot.
const SLOT_SEPARATOR = '@'

/** The cache slot of `id`'s `variant` (its original when undefined). */
export function slotOf(id: string, variant: string | undefined): string {
  return variant === undefined ? id : `${id}${SLOT_SEPARATOR}${variant}`
}

/** The image id a slot belongs to. */
export function imageIdOf(slot: string): string {
  const at = slot.indexOf(SLOT_SEPARATOR)
  return at === -1 ? slot : slot.slice(0, at)
}

/** True when `slot` is `id` itself or one of its variants (what deleteCachedImage(id) removes). */
export function isSlotOf(slot: string, id: string): boolean {
  return slot === id || (slot.length > id.length + 1 && slot.startsWith(id) && slot[id.length] === SLOT_SEPARATOR)
}

/** The first and the past-the-end key of `id`'s variant slots, for an IndexedDB key range. */
export function variantSlotRange(id: string): [string, string] {
  // `@` is U+0040, `A` U+0041: every `${id}@...` sorts in [`${id}@`, `${id}A`).
  return [`${id}${SLOT_SEPARATOR}`, `${id}A`]
}

/** The variant name of a request's options; throws before anything else happens. */
export function variantOption(options: unknown): string | undefined {
  if (options === undefined || options === null) return undefined
  if (typeof options !== 'object') throw new PixstoreError('ARGUMENT_INVALID', 'the options argument must be an object such as { variant: "thumb" }')
  const variant = Object.prototype.hasOwnProperty.call(options, 'variant') ? (options as { variant?: unknown }).variant : undefined
  if (variant === undefined || variant === null) return undefined
  if (!isVariantName(variant)) throw new PixstoreError('VARIANT_UNKNOWN', 'options.variant must be a variant name (a lowercase letter, then up to 31 of a-z, 0-9, _ or -)')
  return variant
}

/**
 * Checks the record and resolves the slot and key material one call reads. A variant the record
 * does not list is refused with `VARIANT_UNKNOWN` before any cache read or request.
 */
export function resolveTarget(record: ImageRecord, variant: string | undefined): ImageTarget {
  const material = validateRecord(record)
  if (variant === undefined) return { variant, slot: record.id, meta: record.meta, material }
  const variants: unknown = record.variants
  const listed =
    variants !== null && typeof variants === 'object' && Object.prototype.hasOwnProperty.call(variants, variant)
      ? (variants as Record<string, unknown>)[variant]
      : undefined
  if (listed === undefined) {
    throw new PixstoreError('VARIANT_UNKNOWN', `record ${JSON.stringify(record.id.slice(0, 64))} lists no variant ${JSON.stringify(variant)}; no request was sent`)
  }
  const meta = (listed as { meta?: unknown } | null)?.meta as ImageMeta | undefined
  if (meta === null || typeof meta !== 'object' || typeof meta.key !== 'string' || typeof meta.iv !== 'string' || typeof meta.tag !== 'string') {
    throw new PixstoreError('RECORD_INVALID', `record.variants.${variant}.meta must hold base64 key, iv and tag strings`)
  }
  try {
    return { variant, slot: slotOf(record.id, variant), meta, material: metaToKeyMaterial(meta) }
  } catch (cause) {
    throw new PixstoreError('RECORD_INVALID', `record.variants.${variant}.meta is unusable: ${causeText(cause)}`, { cause })
  }
}
