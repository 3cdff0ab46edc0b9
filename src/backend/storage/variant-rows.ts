// The variants table as both adapters write and read it: one row per (image, preset name) holding the
// token of the version it belongs to, its own sealed fields, its facts and its preset fingerprint.
// Heads read the variants of a version in the SAME statement as the image row (an aggregated
// subquery, bytes as hex), so a head never pairs one version's original with another's variants,
// and the token match in that subquery keeps a stray row of an older version out regardless.
import { isVariantName } from '../../shared/variant-name.js'
import { PixstoreError } from '../../shared/errors.js'
import type { ImageInfo } from '../../types/index.js'
import { MAX_VARIANTS_PER_VERSION, type VariantHead, type VariantVersionInput } from './contract.js'
import { infoFromColumn, infoToColumn } from './image-info-column.js'

export const VARIANTS_TABLE = 'pixstore_variants'

/** A checked variant, with its info as column text. */
export interface VariantRow extends VariantVersionInput {
  infoText: string
}

const isBytes = (b: unknown): b is Uint8Array => b instanceof Uint8Array

/**
 * Checks `version.variants` before any statement runs: at most 8, distinct valid names, bytes,
 * info, a preset fingerprint. `ARGUMENT_INVALID` otherwise (nothing stored).
 *
 * @example
 * ```ts
 * const rows = checkVariants(version.variants) // [] when the version has none
 * ```
 */
export function checkVariants(variants: unknown): VariantRow[] {
  if (variants === undefined) return []
  if (!Array.isArray(variants) || variants.length > MAX_VARIANTS_PER_VERSION) {
    throw new PixstoreError('ARGUMENT_INVALID', `image version variants must be an array of at most ${MAX_VARIANTS_PER_VERSION}`)
  }
  const seen = new Set<string>()
  return variants.map((value: unknown) => {
    const v = value as Partial<VariantVersionInput> | null
    if (typeof v !== 'object' || v === null || !isVariantName(v.name) || seen.has(v.name) || !isBytes(v.wrappedKey) || !isBytes(v.iv) ||
      !isBytes(v.tag) || !isBytes(v.ciphertext) || typeof v.preset !== 'string' || v.preset === '' || v.info === undefined) {
      throw new PixstoreError('ARGUMENT_INVALID', 'each variant needs a distinct valid name, wrappedKey, iv, tag, ciphertext (Uint8Array), info and preset (string)')
    }
    seen.add(v.name)
    const infoText = infoToColumn(v.info) as string
    return { name: v.name, wrappedKey: v.wrappedKey, iv: v.iv, tag: v.tag, ciphertext: v.ciphertext, info: v.info as ImageInfo, preset: v.preset, infoText }
  })
}

interface AggregatedVariant {
  name?: unknown
  wrapped_key?: unknown
  iv?: unknown
  tag?: unknown
  info?: unknown
  preset?: unknown
}

// Hex from the database into bytes of their own (Buffer.from would hand out views of a shared pool).
const fromHex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'))

/**
 * The variant heads of the aggregated column (a JSON array of objects, as text from SQLite, parsed
 * or NULL from PostgreSQL), sorted by name. Entries that do not read as a variant (a hand-edited
 * row) are left out: the image and its other variants stay servable.
 *
 * @example
 * ```ts
 * return { ...headOf(row), ...variantsFromColumn(row.variants) }
 * ```
 */
export function variantsFromColumn(value: unknown): { variants?: VariantHead[] } {
  let list: unknown = value
  if (typeof value === 'string') {
    try {
      list = JSON.parse(value)
    } catch {
      return {}
    }
  }
  if (!Array.isArray(list)) return {}
  const out: VariantHead[] = []
  for (const entry of list as AggregatedVariant[]) {
    if (typeof entry !== 'object' || entry === null) continue
    const { name, wrapped_key, iv, tag, info, preset } = entry
    if (!isVariantName(name) || typeof wrapped_key !== 'string' || typeof iv !== 'string' || typeof tag !== 'string' || typeof preset !== 'string') continue
    const facts = infoFromColumn(typeof info === 'string' ? info : null).info
    if (!facts) continue
    out.push({ name, wrappedKey: fromHex(wrapped_key), iv: fromHex(iv), tag: fromHex(tag), info: facts, preset })
  }
  out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return out.length === 0 ? {} : { variants: out }
}
