// Hot images are served from memory: a version's ciphertext never changes under its (id, token)
// (tokens strictly increase per id, ids are never reused), so after a cheap metadata read confirms the
// current token, the cached bytes are exactly what storage holds. This spares the blob read and the
// per-request buffer that GC would otherwise churn through. Bounded in bytes, least recently used out.
//
// Beyond the LRU, every version still held by a response (a socket's write queue, a stream body) is
// found again through a weak reference, so concurrent responses of one version share one buffer
// whatever its size, with the LRU off, or above its per-entry cap: N slow clients of a 20 MiB image
// hold 20 MiB, not N × 20 MiB. Concurrent storage reads of one id are shared the same way.
import type { StoredImage } from '../storage/contract.js'

export interface CiphertextCache {
  get(id: string, token: number): Uint8Array | undefined
  set(id: string, token: number, ciphertext: Uint8Array): void
  /** Runs `load` for `id` unless a load of `id` is already under way, whose result is shared. */
  read(id: string, load: () => Promise<StoredImage | null>): Promise<StoredImage | null>
}

interface LiveVersion {
  token: number
  // The ArrayBuffer, not the view: a socket may hold another view of the same memory.
  memory: WeakRef<ArrayBufferLike>
  offset: number
  length: number
}

/**
 * A byte-bounded LRU of ciphertexts by id, valid for one token each; `maxBytes` 0 disables the LRU
 * (versions in use by a response are still shared).
 *
 * @example
 * ```ts
 * const cache = createCiphertextCache(32 * 1024 * 1024)
 * const body = cache.get(id, head.token) ?? (await cache.read(id, () => storage.get(id)))?.ciphertext
 * ```
 */
export function createCiphertextCache(maxBytes: number): CiphertextCache {
  const entries = new Map<string, { token: number; ciphertext: Uint8Array }>()
  const live = new Map<string, LiveVersion>()
  const loads = new Map<string, Promise<StoredImage | null>>()
  const collected = new FinalizationRegistry<{ id: string; entry: LiveVersion }>(({ id, entry }) => {
    if (live.get(id) === entry) live.delete(id)
  })
  let bytes = 0
  const maxEntryBytes = Math.floor(maxBytes / 4)

  function liveGet(id: string, token: number): Uint8Array | undefined {
    const e = live.get(id)
    if (!e || e.token !== token) return undefined
    const memory = e.memory.deref()
    return memory ? new Uint8Array(memory, e.offset, e.length) : undefined
  }

  return {
    get(id, token) {
      const e = entries.get(id)
      if (!e) return liveGet(id, token)
      if (e.token !== token) {
        entries.delete(id)
        bytes -= e.ciphertext.length
        return liveGet(id, token)
      }
      // Re-insert to mark as most recently used.
      entries.delete(id)
      entries.set(id, e)
      return e.ciphertext
    },
    set(id, token, ciphertext) {
      const held = live.get(id)
      if (!held || held.token !== token || !held.memory.deref()) {
        const entry: LiveVersion = { token, memory: new WeakRef(ciphertext.buffer), offset: ciphertext.byteOffset, length: ciphertext.length }
        live.set(id, entry)
        collected.register(ciphertext.buffer, { id, entry })
      }
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
    read(id, load) {
      let pending = loads.get(id)
      if (!pending) {
        pending = load().finally(() => loads.delete(id))
        loads.set(id, pending)
      }
      return pending
    },
  }
}
