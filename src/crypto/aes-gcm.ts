// AES-256-GCM through WebCrypto (globalThis.crypto.subtle) only, so the same code runs in Node, Bun,
// Deno, edge runtimes and browsers. The tag is kept apart from the ciphertext because the wire format
// (pixstore 3.2.1) carries it in the meta, not after the ciphertext as WebCrypto produces it.
import { PixstoreError } from '../shared/errors.js'

export const AES_KEY_BYTES = 32
export const AES_IV_BYTES = 12
export const AES_TAG_BYTES = 16

export interface SealedImage {
  key: Uint8Array
  iv: Uint8Array
  tag: Uint8Array
  /** Ciphertext without the GCM tag. */
  ciphertext: Uint8Array
}

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle
  if (!s) throw new PixstoreError('DECRYPT_FAILED', 'WebCrypto (crypto.subtle) is not available; use a secure context')
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

/** Encrypts under a fresh random 256-bit key and 96-bit IV (never reused: one key per image version). */
export async function sealImage(plaintext: Uint8Array): Promise<SealedImage> {
  const key = randomBytes(AES_KEY_BYTES)
  const iv = randomBytes(AES_IV_BYTES)
  const cryptoKey = await subtle().importKey('raw', asBuffer(key), 'AES-GCM', false, ['encrypt'])
  const sealed = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv: asBuffer(iv), tagLength: 128 }, cryptoKey, asBuffer(plaintext)))
  const split = sealed.length - AES_TAG_BYTES
  return { key, iv, tag: sealed.slice(split), ciphertext: sealed.subarray(0, split) }
}

/**
 * Decrypts a tag-less ciphertext. Any failure (wrong key, tampered bytes, bad lengths) is one
 * `DECRYPT_FAILED` error: which one it was is not told, to give an attacker nothing to probe.
 */
export async function openImage(
  ciphertext: Uint8Array,
  key: Uint8Array,
  iv: Uint8Array,
  tag: Uint8Array,
): Promise<Uint8Array> {
  if (key.length !== AES_KEY_BYTES || iv.length !== AES_IV_BYTES || tag.length !== AES_TAG_BYTES) {
    throw new PixstoreError('DECRYPT_FAILED', 'image key, iv or tag has the wrong length')
  }
  // WebCrypto wants ciphertext||tag in one buffer: this is the one copy decryption costs.
  const joined = new Uint8Array(ciphertext.length + AES_TAG_BYTES)
  joined.set(ciphertext, 0)
  joined.set(tag, ciphertext.length)
  try {
    const cryptoKey = await subtle().importKey('raw', asBuffer(key), 'AES-GCM', false, ['decrypt'])
    return new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv: asBuffer(iv), tagLength: 128 }, cryptoKey, joined))
  } catch (cause) {
    throw new PixstoreError('DECRYPT_FAILED', 'image could not be decrypted (tampered data or wrong key)', { cause })
  }
}
