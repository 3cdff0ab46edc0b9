// The one spelling of an image id both ends accept: `[dir:]name`, each part 1 to 64 letters, digits,
// `_` or `-` (16 random bytes base64url, as pixstore 3.2.1's `dir:random`). No dot, slash, percent,
// NUL or control character can pass, so an id can neither reach outside a storage adapter nor outside
// the frontend's endpoint URL. Browser-safe: no imports.

/** One part of an id: a `dir` or a name. */
export const IMAGE_ID_SEGMENT = '[A-Za-z0-9_-]{1,64}'
/** A whole id, anchored. */
export const IMAGE_ID_PATTERN = new RegExp(`^(?:${IMAGE_ID_SEGMENT}:)?${IMAGE_ID_SEGMENT}$`)

/**
 * True for an id Pixstore could have issued.
 *
 * @example
 * ```ts
 * isImageIdShape('avatars:Xy3_-q') // true
 * isImageIdShape('..')             // false
 * ```
 */
export function isImageIdShape(id: unknown): id is string {
  return typeof id === 'string' && IMAGE_ID_PATTERN.test(id)
}
