// The head lookup and the ciphertext it names: a cheap metadata read decides the version, then its
// bytes come from the ciphertext cache or storage.
import type { StoredImageHead } from '../storage/contract.js'
import type { ServeState } from './serve-state.js'

/** A version's metadata with its stored ciphertext. */
export interface CurrentVersion {
  head: StoredImageHead
  ciphertext: Uint8Array
}

/**
 * The current version of `id`, or `null` when there is none.
 *
 * @example
 * ```ts
 * const version = await currentVersion(state, id, clientToken)
 * ```
 */
export async function currentVersion(state: ServeState, id: string, clientToken: number | undefined): Promise<CurrentVersion | null> {
  // A client holding a newer token than a cached head proves the cache behind: read afresh.
  const head = await state.storage.getHead(id, clientToken)
  if (!head) return null
  const cached = state.ciphertextCache.get(id, head.token)
  if (cached) return { head, ciphertext: cached }
  const stored = await state.ciphertextCache.read(id, () => state.storage.get(id))
  if (!stored) return null
  state.ciphertextCache.set(id, stored.token, stored.ciphertext)
  // An update between the two reads: serve the newer version whole (its own head fields).
  return { head: stored.token === head.token ? head : stored, ciphertext: stored.ciphertext }
}
