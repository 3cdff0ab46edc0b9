import { unwrapImageKey } from '../../crypto/key-wrap.js'
import { PixstoreError } from '../../shared/errors.js'
import type { Keyring } from '../config/keyring.js'
import type { StoredImageHead } from '../storage/contract.js'

/**
 * What a variant's key is bound to when wrapped: the image id and the preset name, NUL-separated (an
 * id never holds NUL), so a variant key copied onto another variant or onto the original does not
 * unwrap there.
 *
 * @example
 * ```ts
 * const wrapped = await wrapImageKey(keys.wrapKey, variantKeyBinding(id, 'thumb'), sealed.key)
 * ```
 */
export function variantKeyBinding(id: string, name: string): string {
  return `${id}\u0000${name}`
}

function keysOf(keyring: Pick<Keyring, 'get'>, keyId: string) {
  const keys = keyring.get(keyId)
  if (!keys) {
    throw new PixstoreError('SECRET_INVALID', 'image key was wrapped by a secret that is not configured (add it to previousSecrets)')
  }
  return keys
}

/**
 * Unwraps a stored image key with whichever configured secret wrapped it (serving an Updated frame,
 * building a record).
 *
 * @example
 * ```ts
 * const key = await unwrapStoredKey(state.keyring, head)
 * ```
 */
export async function unwrapStoredKey(keyring: Pick<Keyring, 'get'>, head: Pick<StoredImageHead, 'id' | 'keyId' | 'wrappedKey'>): Promise<Uint8Array> {
  return unwrapImageKey(keysOf(keyring, head.keyId).wrapKey, head.id, head.wrappedKey)
}

/**
 * Unwraps a stored variant's key (wrapped under its version's key id, bound to id and name): for a
 * `getVariant` result, or a head's variant with the head's id and keyId.
 *
 * @example
 * ```ts
 * const v = await storage.getVariant(id, 'thumb')
 * const key = await unwrapVariantKey(state.keyring, v)
 * ```
 */
export async function unwrapVariantKey(
  keyring: Pick<Keyring, 'get'>,
  variant: { id: string; keyId: string; name: string; wrappedKey: Uint8Array },
): Promise<Uint8Array> {
  return unwrapImageKey(keysOf(keyring, variant.keyId).wrapKey, variantKeyBinding(variant.id, variant.name), variant.wrappedKey)
}
