// Image ids: 16 random bytes base64url (128 bits), optionally prefixed `dir:` as pixstore does. Ids
// from callers and requests are checked against an allow-list before storage is touched, so no
// path separator, dot-dot, NUL or control character can ever reach an adapter.
import { bytesToBase64Url } from '../../crypto/base64.js'
import { randomBytes } from '../../crypto/aes-gcm.js'
import { PixstoreError } from '../../shared/errors.js'
import { IMAGE_ID_SEGMENT, isImageIdShape } from '../../shared/image-id-pattern.js'

const DIR_PATTERN = new RegExp(`^${IMAGE_ID_SEGMENT}$`)

/** True for an id Pixstore could have issued (or pixstore 3.2.1's `dir:random` ids). */
export const isValidImageId = isImageIdShape

/** Throws IMAGE_ID_INVALID unless `id` is a well-formed image id. */
export function assertImageId(id: unknown): asserts id is string {
  if (!isValidImageId(id)) {
    throw new PixstoreError('IMAGE_ID_INVALID', 'image id must be [dir:]name of letters, digits, "_" or "-" (at most 64 each)')
  }
}

/** A fresh random id, `dir:` prefixed when `dir` is given. */
export function createImageId(dir?: string): string {
  const name = bytesToBase64Url(randomBytes(16))
  if (dir === undefined) return name
  if (typeof dir !== 'string' || !DIR_PATTERN.test(dir)) {
    throw new PixstoreError('IMAGE_ID_INVALID', 'dir must be 1 to 64 letters, digits, "_" or "-"')
  }
  return `${dir}:${name}`
}
