// Decrypted Blobs in memory, so a repeated getImage of the same version costs no IndexedDB read and
// no decryption. Plaintext lives here only (never persisted), bounded in bytes, least recently used
// first out. One version per id, by the rule of CacheStore.put: a version proven by the record's key
// replaces any, an `Updated` one only an older token. A hit also needs the key
// material the entry was decrypted with: the key is the capability, and id + token are not secret,
// so a record without the right key gets no plaintext from memory either.
import type { ImageMeta } from '../../types/index.js'
import { isSlotOf } from '../image-target.js'

/** Names a version's key material (the record's base64 meta), to match hot entries against records. */
export function materialTag(meta: ImageMeta): string {
  return `${meta.key}.${meta.iv}.${meta.tag}`
}

export interface HotEntry {
  token: number
  /** {@link materialTag} of the key material that decrypted `blob`. */
  material: string
  blob: Blob
  /** When this version's persistent `lastUsed` was last written, to throttle touches from hot hits. */
  touchedAt: number
}

export interface HotTier {
  get(id: string, token: number, material: string): HotEntry | undefined
  set(id: string, token: number, material: string, blob: Blob, touchedAt: number, proven: boolean): void
  /** Drops one slot (an original or one variant, see image-target.ts). */
  delete(slot: string): void
  /** Drops `id`'s original and every one of its variants. */
  deleteImage(id: string): void
  clear(): void
  readonly bytes: number
  readonly size: number
}

/** An LRU of at most `maxBytes` of Blob data; a Blob larger than the whole tier is not kept. */
export function createHotTier(maxBytes: number): HotTier {
  // Map iteration order is insertion order: re-inserting on a hit makes the first key the LRU one.
  const entries = new Map<string, HotEntry>()
  let bytes = 0

  const remove = (id: string) => {
    const old = entries.get(id)
    if (!old) return
    bytes -= old.blob.size
    entries.delete(id)
  }

  return {
    get(id, token, material) {
      const entry = entries.get(id)
      if (!entry || entry.token !== token || entry.material !== material) return undefined
      entries.delete(id)
      entries.set(id, entry)
      return entry
    },
    set(id, token, material, blob, touchedAt, proven) {
      const old = entries.get(id)
      if (old && !proven && old.token >= token) return
      remove(id)
      if (blob.size > maxBytes) return
      entries.set(id, { token, material, blob, touchedAt })
      bytes += blob.size
      for (const key of entries.keys()) {
        if (bytes <= maxBytes) break
        remove(key)
      }
    },
    delete: remove,
    deleteImage(id) {
      for (const slot of [...entries.keys()]) if (isSlotOf(slot, id)) remove(slot)
    },
    clear() {
      entries.clear()
      bytes = 0
    },
    get bytes() {
      return bytes
    },
    get size() {
      return entries.size
    },
  }
}
