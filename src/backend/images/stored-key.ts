import { unwrapImageKey } from '../../crypto/key-wrap.js'
import { PixstoreError } from '../../shared/errors.js'
import type { Keyring } from '../config/keyring.js'
import type { StoredImageHead } from '../storage/contract.js'

/**
 * Unwraps a stored image key with whichever configured secret wrapped it (serving an Updated frame,
 * building a record).
 *
 * @example
 * ```ts
 * const key = await unwrapStoredKey(state.keyring, head)
 * ```
 */
export async function unwrapStoredKey(keyring: Pick<Keyring, 'get'>, head: StoredImageHead): Promise<Uint8Array> {
  const keys = keyring.get(head.keyId)
  if (!keys) {
    throw new PixstoreError('SECRET_INVALID', 'image key was wrapped by a secret that is not configured (add it to previousSecrets)')
  }
  return unwrapImageKey(keys.wrapKey, head.id, head.wrappedKey)
}
