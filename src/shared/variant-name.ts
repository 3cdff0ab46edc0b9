// The one spelling of a variant (preset) name both ends accept: a lowercase letter, then up to 31
// lowercase letters, digits, `_` or `-`. It travels in a query string and a batch item and is a
// config key, so nothing that needs escaping, and nothing that could collide with an image id's
// `[dir:]name` when the browser cache keys a variant apart from its original. Browser-safe: no imports.

/** A whole variant name, anchored. */
export const VARIANT_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/

/**
 * True for a name a preset could have.
 *
 * @example
 * ```ts
 * isVariantName('thumb') // true
 * isVariantName('Thumb') // false
 * ```
 */
export function isVariantName(name: unknown): name is string {
  return typeof name === 'string' && VARIANT_NAME_PATTERN.test(name)
}
