// Hot images are served from memory: a version's ciphertext never changes under its (id, variant,
// token) (tokens strictly increase per id, ids are never reused, a variant belongs to one version),
// so after a cheap metadata read confirms the current token, the cached bytes are exactly what
// storage holds. Entries are keyed by slot (cacheSlot: the original or one variant of an id). This spares the blob read and the
// per-request buffer that GC would otherwise churn through. Bounded in bytes, least recently used out.
//
// Beyond the LRU, every version still held by a response (a socket's write queue, a stream body) is
// found again through a weak reference, so concurrent responses of one version share one buffer
// whatever its size, with the LRU off, or above its per-entry cap: N slow clients of a 20 MiB image
// hold 20 MiB, not N × 20 MiB. Concurrent storage reads of one id are shared the same way.
/** What a load returns: a stored version (original or variant) with its ciphertext. */
export interface LoadedCiphertext {
  token: number
  ciphertext: Uint8Array
}

export interface CiphertextCache {
  get(slot: string, token: number): Uint8Array | undefined
  set(slot: string, token: number, ciphertext: Uint8Array): void
  /** Runs `load` for `slot` unless a load of `slot` is already under way, whose result is shared. */
  read<T extends LoadedCiphertext>(slot: string, load: () => Promise<T | null>): Promise<T | null>
}

/**
 * The cache slot of an image's original (`variant` absent) or of one of its variants. An id never
 * holds NUL (isValidImageId), so no original's slot equals a variant's.
 *
 * @example
 * ```ts
 * cache.get(cacheSlot(id, 'thumb'), head.token)
 * ```
 */
export function cacheSlot(id: string, variant?: string): string {
  return variant === undefined ? id : `${id}\u0000${variant}`
}

interface LiveVersion {
  token: number
  // The ArrayBuffer, not the view: a socket may hold another view of the same memory.
  memory: WeakRef<ArrayBufferLike>
  offset: number
  length: number
}

/**
 * A byte-bounded LRU of ciphertexts by slot (cacheSlot), valid for one token each; `maxBytes` 0 disables the LRU
 * (versions in use by a response are still shared).
 *
 * @example
 * ```ts
 * const cache = createCiphertextCache(32 * 1024 * 1024)
 * const body = cache.get(cacheSlot(id), head.token) ?? (await cache.read(cacheSlot(id), () => storage.get(id)))?.ciphertext
 * ```
 */
export function createCiphertextCache(maxBytes: number): CiphertextCache {
  const entries = new Map<string, { token: number; ciphertext: Uint8Array }>()
  const live = new Map<string, LiveVersion>()
  const loads = new Map<string, Promise<LoadedCiphertext | null>>()
  const collected = new FinalizationRegistry<{ slot: string; entry: LiveVersion }>(({ slot, entry }) => {
    if (live.get(slot) === entry) live.delete(slot)
  })
  let bytes = 0
  const maxEntryBytes = Math.floor(maxBytes / 4)

  function liveGet(slot: string, token: number): Uint8Array | undefined {
    const e = live.get(slot)
    if (!e || e.token !== token) return undefined
    const memory = e.memory.deref()
    return memory ? new Uint8Array(memory, e.offset, e.length) : undefined
  }

  return {
    get(slot, token) {
      const e = entries.get(slot)
      if (!e) return liveGet(slot, token)
      if (e.token !== token) {
        entries.delete(slot)
        bytes -= e.ciphertext.length
        return liveGet(slot, token)
      }
      // Re-insert to mark as most recently used.
      entries.delete(slot)
      entries.set(slot, e)
      return e.ciphertext
    },
    set(slot, token, ciphertext) {
      const held = live.get(slot)
      if (!held || held.token !== token || !held.memory.deref()) {
        const entry: LiveVersion = { token, memory: new WeakRef(ciphertext.buffer), offset: ciphertext.byteOffset, length: ciphertext.length }
        live.set(slot, entry)
        collected.register(ciphertext.buffer, { slot, entry })
      }
      if (ciphertext.length > maxEntryBytes) return
      const old = entries.get(slot)
      if (old) {
        entries.delete(slot)
        bytes -= old.ciphertext.length
      }
      while (bytes + ciphertext.length > maxBytes) {
        const oldest = entries.entries().next()
        if (oldest.done) break
        entries.delete(oldest.value[0])
        bytes -= oldest.value[1].ciphertext.length
      }
      entries.set(slot, { token, ciphertext })
      bytes += ciphertext.length
    },
    read<T extends LoadedCiphertext>(slot: string, load: () => Promise<T | null>): Promise<T | null> {
      // A slot is only ever loaded by one kind of read (storage.get for an original, getVariant for
      // a variant), so a shared pending load has the caller's type.
      let pending = loads.get(slot) as Promise<T | null> | undefined
      if (!pending) {
        pending = load().finally(() => loads.delete(slot))
        loads.set(slot, pending)
      }
      return pending
    },
  }
}
