import { unwrapImageKey, wrapImageKey } from '../crypto/key-wrap.js'
import { handleError } from '../shared/error-handling.js'
import { PixstoreError } from '../shared/errors.js'
import { readyState } from './backend-state.js'
import { variantKeyBinding } from './images/stored-key.js'

/**
 * Re-wraps every stored image key under the current secret. Run it after rotating the secret
 * (new `secret`, old one in `previousSecrets`); an image's variant keys move with it, in one write.
 * Once it reports 0 remaining, the old secret can be
 * dropped from `previousSecrets` after its proofs have expired. Updates re-wrap lazily anyway.
 * Resolves with how many images had their keys re-wrapped.
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
      // Every key of the version moves at once (the adapter stores them in one write).
      const move = async (binding: string, wrapped: Uint8Array) => wrapImageKey(current.wrapKey, binding, await unwrapImageKey(old.wrapKey, binding, wrapped))
      const [wrappedKey, ...variantKeys] = await Promise.all([
        move(row.id, row.wrappedKey),
        ...(row.variants ?? []).map((v) => move(variantKeyBinding(row.id, v.name), v.wrappedKey)),
      ])
      const variants = (row.variants ?? []).map((v, i) => ({ name: v.name, wrappedKey: variantKeys[i]! }))
      return { keyId: current.keyId, wrappedKey: wrappedKey!, variants }
    })
  } catch (e) {
    return handleError(e)
  }
}
