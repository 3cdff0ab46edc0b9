// The head lookup and the ciphertext it names: a cheap metadata read decides the version (and
// whether it has the variant asked for), then its bytes come from the ciphertext cache or storage.
import type { StoredImageHead } from '../storage/contract.js'
import { cacheSlot } from './ciphertext-cache.js'
import type { ServeState } from './serve-state.js'

/** The sealed fields of what is served: the original of a version, or one of its variants (`variant`). */
export interface SealedVersion {
  id: string
  token: number
  keyId: string
  wrappedKey: Uint8Array
  iv: Uint8Array
  tag: Uint8Array
  /** The variant's name; absent for the original. */
  variant?: string
}

/** A version's sealed fields with its stored ciphertext. */
export interface CurrentVersion {
  head: SealedVersion
  ciphertext: Uint8Array
}

/** Why there is nothing to serve: no image with this id, or its current version lacks the variant. */
export type NoVersion = 'no-image' | 'no-variant'

const sealedOriginal = ({ id, token, keyId, wrappedKey, iv, tag }: StoredImageHead): SealedVersion => ({ id, token, keyId, wrappedKey, iv, tag })

/**
 * The current version of `id` (its original, or its variant `variant`), or why there is none.
 *
 * @example
 * ```ts
 * const version = await currentVersion(state, id, clientToken, 'thumb')
 * if (typeof version === 'string') return notFound(version)
 * ```
 */
export async function currentVersion(state: ServeState, id: string, clientToken: number | undefined, variant?: string): Promise<CurrentVersion | NoVersion> {
  // A client holding a newer token than a cached head proves the cache behind: read afresh.
  const head = await state.storage.getHead(id, clientToken)
  if (!head) return 'no-image'
  if (variant === undefined) {
    const slot = cacheSlot(id)
    const cached = state.ciphertextCache.get(slot, head.token)
    if (cached) return { head: sealedOriginal(head), ciphertext: cached }
    const stored = await state.ciphertextCache.read(slot, () => state.storage.get(id))
    if (!stored) return 'no-image'
    state.ciphertextCache.set(slot, stored.token, stored.ciphertext)
    // An update between the two reads: serve the newer version whole (its own head fields).
    return { head: sealedOriginal(stored.token === head.token ? head : stored), ciphertext: stored.ciphertext }
  }
  const listed = head.variants?.find((v) => v.name === variant)
  if (!listed) return 'no-variant'
  const slot = cacheSlot(id, variant)
  const cached = state.ciphertextCache.get(slot, head.token)
  if (cached) {
    return { head: { id, token: head.token, keyId: head.keyId, wrappedKey: listed.wrappedKey, iv: listed.iv, tag: listed.tag, variant }, ciphertext: cached }
  }
  const stored = await state.ciphertextCache.read(slot, () => state.storage.getVariant(id, variant))
  // Gone between the two reads (an update without this preset, or a delete).
  if (!stored) return 'no-variant'
  state.ciphertextCache.set(slot, stored.token, stored.ciphertext)
  // getVariant reads the variant with its own version's token: its fields are consistent whole.
  const { token, keyId, wrappedKey, iv, tag } = stored
  return { head: { id, token, keyId, wrappedKey, iv, tag, variant }, ciphertext: stored.ciphertext }
}
