// Ciphertext + key material -> a typed Blob. The plaintext under GCM is [formatByte][image bytes].
import { AES_TAG_BYTES } from '../crypto/aes-gcm.js'
import { base64ToBytes } from '../crypto/base64.js'
import { PixstoreError } from '../shared/errors.js'
import { byteToFormat, formatToMimeType } from '../shared/image-formats.js'
import type { ImageMeta } from '../types/index.js'

export interface KeyMaterial {
  key: Uint8Array
  iv: Uint8Array
  tag: Uint8Array
  /** The record's base64 key, when the material came from a record: names its imported CryptoKey. */
  keyText?: string
}

// Imported (non-extractable) AES keys of recent records, so a cache hit skips importKey. Memory
// only, like the records the application already holds; keyed by the key itself, so a record whose
// meta changed can never decrypt with another record's key.
const IMPORTED_KEYS_MAX = 128
const importedKeys = new Map<string, Promise<CryptoKey>>()

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle
  if (!s) throw new PixstoreError('DECRYPT_FAILED', 'WebCrypto (crypto.subtle) is not available; use a secure context')
  return s
}

function importKey(material: KeyMaterial): Promise<CryptoKey> {
  const raw = material.key as Uint8Array<ArrayBuffer>
  if (material.keyText === undefined) return subtle().importKey('raw', raw, 'AES-GCM', false, ['decrypt'])
  let key = importedKeys.get(material.keyText)
  if (key) {
    importedKeys.delete(material.keyText)
  } else {
    key = subtle().importKey('raw', raw, 'AES-GCM', false, ['decrypt'])
    key.catch(() => importedKeys.delete(material.keyText!))
    if (importedKeys.size >= IMPORTED_KEYS_MAX) importedKeys.delete(importedKeys.keys().next().value!)
  }
  importedKeys.set(material.keyText, key)
  return key
}

/** Decodes a record's base64 meta; malformed meta cannot decrypt anything, so it is `DECRYPT_FAILED`. */
export function metaToKeyMaterial(meta: ImageMeta): KeyMaterial {
  const key = base64ToBytes(meta.key)
  const iv = base64ToBytes(meta.iv)
  const tag = base64ToBytes(meta.tag)
  if (!key || !iv || !tag || key.length !== 32 || iv.length !== 12 || tag.length !== 16) {
    throw new PixstoreError('DECRYPT_FAILED', 'record meta must hold a base64 32-byte key, 12-byte iv and 16-byte tag')
  }
  return { key, iv, tag, keyText: meta.key }
}

/** Decrypts and types the image. Throws `DECRYPT_FAILED` or `IMAGE_UNSUPPORTED_FORMAT`. */
export async function decryptToBlob(ciphertext: Uint8Array, material: KeyMaterial, formats: readonly string[]): Promise<Blob> {
  // WebCrypto wants ciphertext||tag in one buffer (the wire and the cache keep the tag apart).
  const joined = new Uint8Array(ciphertext.length + AES_TAG_BYTES)
  joined.set(ciphertext, 0)
  joined.set(material.tag, ciphertext.length)
  let plaintext: Uint8Array
  try {
    const key = await importKey(material)
    plaintext = new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv: material.iv as Uint8Array<ArrayBuffer>, tagLength: 128 }, key, joined))
  } catch (cause) {
    if (cause instanceof PixstoreError) throw cause
    throw new PixstoreError('DECRYPT_FAILED', 'image could not be decrypted (tampered data or wrong key)', { cause })
  }
  const format = byteToFormat(plaintext[0] ?? 0, formats)
  if (plaintext.length < 1 || format === undefined) {
    throw new PixstoreError('IMAGE_UNSUPPORTED_FORMAT', `decrypted image has format byte ${plaintext[0] ?? 'none'}, not in imageFormats`)
  }
  return new Blob([plaintext.subarray(1) as Uint8Array<ArrayBuffer>], { type: formatToMimeType(format) })
}
