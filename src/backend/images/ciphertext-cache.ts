// Hot images are served from memory: a version's ciphertext never changes under its (id, token)
// (tokens strictly increase per id, ids are never reused), so after a cheap metadata read confirms the
// current token, the cached bytes are exactly what storage holds. This spares the blob read and the
// per-request buffer that GC would otherwise churn through. Bounded in bytes, least recently used out.

export interface CiphertextCache {
  get(id: string, token: number): Uint8Array | undefined
  set(id: string, token: number, ciphertext: Uint8Array): void
}

/**
 * A byte-bounded LRU of ciphertexts by id, valid for one token each; `maxBytes` 0 disables it.
 *
 * @example
 * ```ts
 * const cache = createCiphertextCache(32 * 1024 * 1024)
 * const body = cache.get(id, head.token) ?? (await storage.get(id))?.ciphertext
 * ```
 */
export function createCiphertextCache(maxBytes: number): CiphertextCache {
  const entries = new Map<string, { token: number; ciphertext: Uint8Array }>()
  let bytes = 0
  const maxEntryBytes = Math.floor(maxBytes / 4)
  return {
    get(id, token) {
      const e = entries.get(id)
      if (!e) return undefined
      if (e.token !== token) {
        entries.delete(id)
        bytes -= e.ciphertext.length
        return undefined
      }
      // Re-insert to mark as most recently used.
      entries.delete(id)
      entries.set(id, e)
      return e.ciphertext
    },
    set(id, token, ciphertext) {
      if (ciphertext.length > maxEntryBytes) return
      const old = entries.get(id)
      if (old) {
        entries.delete(id)
        bytes -= old.ciphertext.length
      }
      while (bytes + ciphertext.length > maxBytes) {
        const oldest = entries.entries().next()
        if (oldest.done) break
        entries.delete(oldest.value[0])
        bytes -= oldest.value[1].ciphertext.length
      }
      entries.set(id, { token, ciphertext })
      bytes += ciphertext.length
    },
  }
}
