// Per-image keys are stored wrapped: AES-256-GCM under the secret's wrap key, with the image id as
// associated data, so a wrapped key copied onto another row does not unwrap there.
// Layout: [iv 12][encrypted key 32][tag 16] = 60 bytes.
import { abytes } from '../shared/bytes.js'
import { PixstoreError } from '../shared/errors.js'
import { IV_LENGTH, KEY_LENGTH, TAG_LENGTH } from '../shared/protocol.js'
import { randomBytes } from './aes-gcm.js'

export const WRAPPED_KEY_BYTES = IV_LENGTH + KEY_LENGTH + TAG_LENGTH

const aad = (id: string) => new TextEncoder().encode(`pixstore image key v1\u0000${id}`)

/**
 * Wraps a raw 32-byte image key for storage.
 *
 * @example
 * ```ts
 * const wrapped = await wrapImageKey(keys.wrapKey, id, sealed.key) // 60 bytes, safe to store
 * ```
 */
export async function wrapImageKey(wrapKey: CryptoKey, id: string, rawKey: Uint8Array): Promise<Uint8Array> {
  // Wrapping encrypts: a key of the wrong length is the caller's mistake, not a failed decryption.
  abytes(rawKey, 'image key', 'ARGUMENT_INVALID', KEY_LENGTH)
  const iv = randomBytes(IV_LENGTH)
  const sealed = await globalThis.crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: aad(id) },
    wrapKey,
    rawKey as Uint8Array<ArrayBuffer>,
  )
  const out = new Uint8Array(WRAPPED_KEY_BYTES)
  out.set(iv, 0)
  out.set(new Uint8Array(sealed), IV_LENGTH)
  return out
}

/**
 * Unwraps a stored image key; `DECRYPT_FAILED` when it was wrapped for another id or key.
 *
 * @example
 * ```ts
 * const rawKey = await unwrapImageKey(keys.wrapKey, row.id, row.wrappedKey)
 * ```
 */
export async function unwrapImageKey(wrapKey: CryptoKey, id: string, wrapped: Uint8Array): Promise<Uint8Array> {
  if (wrapped.length !== WRAPPED_KEY_BYTES) throw new PixstoreError('DECRYPT_FAILED', 'wrapped image key has the wrong length')
  try {
    const raw = await globalThis.crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: wrapped.slice(0, IV_LENGTH), additionalData: aad(id) },
      wrapKey,
      wrapped.slice(IV_LENGTH) as Uint8Array<ArrayBuffer>,
    )
    return new Uint8Array(raw)
  } catch (cause) {
    throw new PixstoreError('DECRYPT_FAILED', 'stored image key could not be unwrapped: it does not authenticate (wrapped for another image id or under another key, or altered)', { cause })
  }
}
