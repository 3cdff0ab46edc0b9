// Ciphertext + key material -> a typed Blob. The plaintext under GCM is [formatByte][image bytes].
// Decryption itself is crypto/aes-gcm.ts's openImage; this module adds the imported-key cache and
// the typing.
import { importImageKey, openSealed } from '../crypto/aes-gcm.js'
import { base64ToBytes } from '../crypto/base64.js'
import { PixstoreError } from '../shared/errors.js'
import { causeText } from './cause-text.js'
import { byteToFormat, formatToMimeType } from '../shared/image-formats.js'
import { IV_LENGTH, KEY_LENGTH, TAG_LENGTH } from '../shared/protocol.js'
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
// meta changed can never decrypt with another record's key. Emptied by clearImageCache and by
// initPixstoreFrontend (forgetImportedKeys), so a logout leaves no key behind.
const IMPORTED_KEYS_MAX = 128
const importedKeys = new Map<string, Promise<CryptoKey>>()

/** Drops every imported key (logout, a new frontend instance). */
export function forgetImportedKeys(): void {
  importedKeys.clear()
}

function importKey(material: KeyMaterial): Promise<CryptoKey> {
  if (material.keyText === undefined) return importImageKey(material.key)
  const keyText = material.keyText
  let key = importedKeys.get(keyText)
  if (key) {
    importedKeys.delete(keyText)
  } else {
    const imported = importImageKey(material.key)
    imported.catch(() => {
      if (importedKeys.get(keyText) === imported) importedKeys.delete(keyText)
    })
    key = imported
    if (importedKeys.size >= IMPORTED_KEYS_MAX) importedKeys.delete(importedKeys.keys().next().value!)
  }
  importedKeys.set(keyText, key)
  return key
}

/**
 * Starts importing a record's key now, so the decryption that follows a read (or a fetch) finds it
 * imported: the import's round trip to the crypto thread overlaps the read instead of following it.
 * A failure is left to the decryption, which reports it.
 */
export function prepareKey(material: KeyMaterial): void {
  if (material.keyText !== undefined) importKey(material).catch(() => {})
}

/** Decodes a record's base64 meta; malformed meta cannot decrypt anything, so it is `DECRYPT_FAILED`. */
export function metaToKeyMaterial(meta: ImageMeta): KeyMaterial {
  const key = base64ToBytes(meta.key)
  const iv = base64ToBytes(meta.iv)
  const tag = base64ToBytes(meta.tag)
  if (!key || !iv || !tag || key.length !== KEY_LENGTH || iv.length !== IV_LENGTH || tag.length !== TAG_LENGTH) {
    throw new PixstoreError('DECRYPT_FAILED', `record meta must hold a base64 ${KEY_LENGTH}-byte key, ${IV_LENGTH}-byte iv and ${TAG_LENGTH}-byte tag`)
  }
  return { key, iv, tag, keyText: meta.key }
}

/**
 * `ciphertext` followed by `tag` in one new buffer: the one copy between the wire and the cache. It
 * is what WebCrypto decrypts and what the cache stores (the tag is no secret: it only authenticates).
 */
export function sealWithTag(ciphertext: Uint8Array, tag: Uint8Array): Uint8Array<ArrayBuffer> {
  const sealed = new Uint8Array(ciphertext.length + TAG_LENGTH)
  sealed.set(ciphertext, 0)
  sealed.set(tag.subarray(0, TAG_LENGTH), ciphertext.length)
  return sealed
}

/** Decrypts and types the image. Throws `DECRYPT_FAILED`, `CRYPTO_UNAVAILABLE` or `IMAGE_UNSUPPORTED_FORMAT`. */
export async function decryptToBlob(ciphertext: Uint8Array, material: KeyMaterial, formats: readonly string[]): Promise<Blob> {
  if (!(material.tag instanceof Uint8Array) || material.tag.length !== TAG_LENGTH) throw new PixstoreError('DECRYPT_FAILED', 'image key, iv or tag has the wrong length')
  return decryptSealedToBlob(sealWithTag(ciphertext, material.tag), material, formats)
}

/** {@link decryptToBlob} of a ciphertext already followed by `material.tag` (see sealWithTag). */
export async function decryptSealedToBlob(sealed: Uint8Array, material: KeyMaterial, formats: readonly string[]): Promise<Blob> {
  let cryptoKey: CryptoKey
  try {
    cryptoKey = await importKey(material)
  } catch (cause) {
    if (cause instanceof PixstoreError) throw cause
    throw new PixstoreError('DECRYPT_FAILED', `image key could not be imported: ${causeText(cause)}`, { cause })
  }
  const plaintext = await openSealed(sealed, cryptoKey, material.iv)
  const format = byteToFormat(plaintext[0] ?? 0, formats)
  if (plaintext.length < 1 || format === undefined) {
    throw new PixstoreError('IMAGE_UNSUPPORTED_FORMAT', `decrypted image has format byte ${plaintext[0] ?? 'none'}, not in imageFormats`)
  }
  return new Blob([plaintext.subarray(1) as Uint8Array<ArrayBuffer>], { type: formatToMimeType(format) })
}
