import { unwrapImageKey, wrapImageKey } from '../crypto/key-wrap.js'
import { handleError } from '../shared/error-handling.js'
import { PixstoreError } from '../shared/errors.js'
import { readyState } from './backend-state.js'

/**
 * Re-wraps every stored image key under the current secret. Run it after rotating the secret
 * (new `secret`, old one in `previousSecrets`); once it reports 0 remaining, the old secret can be
 * dropped from `previousSecrets` after its proofs have expired. Updates re-wrap lazily anyway.
 * Resolves with how many keys were re-wrapped.
 *
 * @example
 * ```ts
 * await initPixstoreBackend({ secret: NEW_SECRET, previousSecrets: [OLD_SECRET] })
 * console.log(await rewrapImageKeys(), 'image keys moved to the new secret')
 * ```
 */
export async function rewrapImageKeys(): Promise<number | null> {
  try {
    const state = await readyState()
    const current = state.keyring.current
    return await state.storage.rewrapKeys(current.keyId, async (row) => {
      const old = state.keyring.get(row.keyId)
      if (!old) {
        // Init checked the store; a row under an unknown key id was written since, by an instance
        // running with another secret.
        throw new PixstoreError('SECRET_MISMATCH', `image "${row.id}" has its key wrapped under key id "${row.keyId}", which no configured secret derives (add that secret to previousSecrets)`)
      }
      const raw = await unwrapImageKey(old.wrapKey, row.id, row.wrappedKey)
      return { keyId: current.keyId, wrappedKey: await wrapImageKey(current.wrapKey, row.id, raw) }
    })
  } catch (e) {
    return handleError(e)
  }
}
