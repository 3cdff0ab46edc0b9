// Ciphertext + key material -> a typed Blob. The plaintext under GCM is [formatByte][image bytes].
import { openImage } from '../crypto/aes-gcm.js'
import { base64ToBytes } from '../crypto/base64.js'
import { PixstoreError } from '../shared/errors.js'
import { byteToFormat, formatToMimeType } from '../shared/image-formats.js'
import type { ImageMeta } from '../types/index.js'

export interface KeyMaterial {
  key: Uint8Array
  iv: Uint8Array
  tag: Uint8Array
}

/** Decodes a record's base64 meta; malformed meta cannot decrypt anything, so it is `DECRYPT_FAILED`. */
export function metaToKeyMaterial(meta: ImageMeta): KeyMaterial {
  const key = base64ToBytes(meta.key)
  const iv = base64ToBytes(meta.iv)
  const tag = base64ToBytes(meta.tag)
  if (!key || !iv || !tag || key.length !== 32 || iv.length !== 12 || tag.length !== 16) {
    throw new PixstoreError('DECRYPT_FAILED', 'record meta must hold a base64 32-byte key, 12-byte iv and 16-byte tag')
  }
  return { key, iv, tag }
}

/** Decrypts and types the image. Throws `DECRYPT_FAILED` or `IMAGE_UNSUPPORTED_FORMAT`. */
export async function decryptToBlob(ciphertext: Uint8Array, material: KeyMaterial, formats: readonly string[]): Promise<Blob> {
  const plaintext = await openImage(ciphertext, material.key, material.iv, material.tag)
  const format = byteToFormat(plaintext[0] ?? 0, formats)
  if (plaintext.length < 1 || format === undefined) {
    throw new PixstoreError('IMAGE_UNSUPPORTED_FORMAT', `decrypted image has format byte ${plaintext[0] ?? 'none'}, not in imageFormats`)
  }
  return new Blob([plaintext.subarray(1) as Uint8Array<ArrayBuffer>], { type: formatToMimeType(format) })
}
