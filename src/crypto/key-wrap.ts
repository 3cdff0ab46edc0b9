// Per-image keys are stored wrapped: AES-256-GCM under the secret's wrap key, with the image id as
// associated data, so a wrapped key copied onto another row does not unwrap there.
// Layout: [iv 12][encrypted key 32][tag 16] = 60 bytes.
import { PixstoreError } from '../shared/errors.js'
import { KEY_LENGTH as AES_KEY_BYTES } from '../shared/protocol.js'
import { randomBytes } from './aes-gcm.js'

export const WRAPPED_KEY_BYTES = 12 + AES_KEY_BYTES + 16

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
  if (rawKey.length !== AES_KEY_BYTES) throw new PixstoreError('DECRYPT_FAILED', 'image key must be 32 bytes')
  const iv = randomBytes(12)
  const sealed = await globalThis.crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: aad(id) },
    wrapKey,
    rawKey as Uint8Array<ArrayBuffer>,
  )
  const out = new Uint8Array(WRAPPED_KEY_BYTES)
  out.set(iv, 0)
  out.set(new Uint8Array(sealed), 12)
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
      { name: 'AES-GCM', iv: wrapped.slice(0, 12), additionalData: aad(id) },
      wrapKey,
      wrapped.slice(12) as Uint8Array<ArrayBuffer>,
    )
    return new Uint8Array(raw)
  } catch (cause) {
    throw new PixstoreError('DECRYPT_FAILED', 'stored image key could not be unwrapped', { cause })
  }
}
