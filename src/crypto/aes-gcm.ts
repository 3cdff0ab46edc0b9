// AES-256-GCM through WebCrypto (globalThis.crypto.subtle) only, so the same code runs in Node, Bun,
// Deno, edge runtimes and browsers. The tag is kept apart from the ciphertext because the wire format
// (pixstore 3.2.1) carries it in the meta, not after the ciphertext as WebCrypto produces it.
import { abytes } from '../shared/bytes.js'
import { PixstoreError } from '../shared/errors.js'
import { IV_LENGTH, KEY_LENGTH, TAG_LENGTH } from '../shared/protocol.js'

export interface SealedImage {
  key: Uint8Array
  iv: Uint8Array
  tag: Uint8Array
  /** Ciphertext without the GCM tag. */
  ciphertext: Uint8Array
}

// A missing WebCrypto is neither a failed encryption nor a failed decryption: it says so on both paths.
function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle
  if (!s) throw new PixstoreError('CRYPTO_UNAVAILABLE', 'WebCrypto (crypto.subtle) is not available; use a secure context')
  return s
}

// TS 5.7+ types typed arrays by their buffer; WebCrypto's BufferSource excludes SharedArrayBuffer.
// Our bytes never live in one, so narrowing the type is sound.
const asBuffer = (bytes: Uint8Array) => bytes as Uint8Array<ArrayBuffer>

/** Fills `length` bytes from the platform CSPRNG. */
export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length)
  // getRandomValues caps one call at 65,536 bytes.
  for (let i = 0; i < length; i += 65_536) globalThis.crypto.getRandomValues(out.subarray(i, Math.min(length, i + 65_536)))
  return out
}

/**
 * Imports a raw 32-byte AES key for decryption only, non-extractable. For callers that open many
 * ciphertexts under one key (the frontend caches the result per record key).
 *
 * @example
 * ```ts
 * const cryptoKey = await importImageKey(key)
 * const plaintext = await openImage(ciphertext, cryptoKey, iv, tag)
 * ```
 */
export async function importImageKey(key: Uint8Array): Promise<CryptoKey> {
  abytes(key, 'image key', 'DECRYPT_FAILED', KEY_LENGTH)
  return subtle().importKey('raw', asBuffer(key), 'AES-GCM', false, ['decrypt'])
}

/**
 * Encrypts under a fresh random 256-bit key and 96-bit IV (never reused: one key per image version).
 *
 * @example
 * ```ts
 * const { key, iv, tag, ciphertext } = await sealImage(plaintext)
 * ```
 */
export async function sealImage(plaintext: Uint8Array): Promise<SealedImage> {
  const s = subtle()
  const key = randomBytes(KEY_LENGTH)
  const iv = randomBytes(IV_LENGTH)
  const cryptoKey = await s.importKey('raw', asBuffer(key), 'AES-GCM', false, ['encrypt'])
  const sealed = new Uint8Array(await s.encrypt({ name: 'AES-GCM', iv: asBuffer(iv), tagLength: TAG_LENGTH * 8 }, cryptoKey, asBuffer(plaintext)))
  const split = sealed.length - TAG_LENGTH
  return { key, iv, tag: sealed.slice(split), ciphertext: sealed.subarray(0, split) }
}

/**
 * Decrypts a tag-less ciphertext under `key`: the raw 32 bytes, or a CryptoKey from
 * {@link importImageKey} (which skips the import). Any failure (wrong key, tampered bytes, bad
 * lengths) is one `DECRYPT_FAILED` error: which one it was is not told, to give an attacker nothing
 * to probe. A platform without WebCrypto is `CRYPTO_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * const plaintext = await openImage(frame.ciphertext, frame.key, frame.iv, frame.tag)
 * ```
 */
export async function openImage(
  ciphertext: Uint8Array,
  key: Uint8Array | CryptoKey,
  iv: Uint8Array,
  tag: Uint8Array,
): Promise<Uint8Array> {
  const s = subtle()
  abytes(ciphertext, 'ciphertext', 'DECRYPT_FAILED')
  if ((key instanceof Uint8Array && key.length !== KEY_LENGTH) || !(iv instanceof Uint8Array) || iv.length !== IV_LENGTH || !(tag instanceof Uint8Array) || tag.length !== TAG_LENGTH) {
    throw new PixstoreError('DECRYPT_FAILED', 'image key, iv or tag has the wrong length')
  }
  // WebCrypto wants ciphertext||tag in one buffer: this is the one copy decryption costs.
  const joined = new Uint8Array(ciphertext.length + TAG_LENGTH)
  joined.set(ciphertext, 0)
  joined.set(tag, ciphertext.length)
  return openSealed(joined, key, iv)
}

/**
 * {@link openImage} for a ciphertext already followed by its tag (as WebCrypto wants it), so a caller
 * that keeps that buffer (the frontend stores it in its cache) pays no second copy. Same errors.
 *
 * @example
 * ```ts
 * const plaintext = await openSealed(ciphertextAndTag, cryptoKey, iv)
 * ```
 */
export async function openSealed(sealed: Uint8Array, key: Uint8Array | CryptoKey, iv: Uint8Array): Promise<Uint8Array> {
  const s = subtle()
  abytes(sealed, 'ciphertext', 'DECRYPT_FAILED')
  if ((key instanceof Uint8Array && key.length !== KEY_LENGTH) || !(iv instanceof Uint8Array) || iv.length !== IV_LENGTH || sealed.length < TAG_LENGTH) {
    throw new PixstoreError('DECRYPT_FAILED', 'image key, iv or tag has the wrong length')
  }
  try {
    const cryptoKey = key instanceof Uint8Array ? await s.importKey('raw', asBuffer(key), 'AES-GCM', false, ['decrypt']) : key
    return new Uint8Array(await s.decrypt({ name: 'AES-GCM', iv: asBuffer(iv), tagLength: TAG_LENGTH * 8 }, cryptoKey, asBuffer(sealed)))
  } catch (cause) {
    throw new PixstoreError('DECRYPT_FAILED', 'image could not be decrypted (tampered data or wrong key)', { cause })
  }
}
