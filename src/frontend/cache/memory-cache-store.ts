// Fallback where IndexedDB is missing or refuses to open (Node, blocked storage, some private modes):
// images still load, the cache just lasts as long as the page.
import type { CacheStore, CachedImage, CacheTotals } from './cache-store.js'
import { isSlotOf } from '../image-target.js'

/** A Map kept in least-recently-used order (a touch moves the entry to the end). */
export function createMemoryCacheStore(): CacheStore {
  const entries = new Map<string, CachedImage>()
  let bytes = 0

  const remove = (id: string) => {
    const old = entries.get(id)
    if (!old) return
    bytes -= old.size
    entries.delete(id)
  }

  return {
    kind: 'memory',
    isOpen: () => true,
    mayHave(id) {
      return entries.has(id)
    },
    async get(id) {
      return entries.get(id)
    },
    async put(entry, proven) {
      const old = entries.get(entry.id)
      if (old && !proven && old.token >= entry.token) return null
      remove(entry.id)
      entries.set(entry.id, entry)
      bytes += entry.size
      return { entries: entries.size, bytes }
    },
    async putMany(writes) {
      let totals = null
      for (const { entry, proven } of writes) totals = (await this.put(entry, proven)) ?? totals
      return totals ?? { entries: entries.size, bytes }
    },
    async touchMany(touches) {
      for (const { id, token, lastUsed } of touches) await this.touch(id, token, lastUsed)
    },
    async touch(id, token, lastUsed) {
      const old = entries.get(id)
      if (!old || old.token !== token) return
      entries.delete(id)
      entries.set(id, { ...old, lastUsed })
    },
    async delete(id) {
      remove(id)
    },
    async deleteImage(id) {
      for (const slot of [...entries.keys()]) if (isSlotOf(slot, id)) remove(slot)
    },
    async has(id) {
      return entries.has(id)
    },
    async clear() {
      entries.clear()
      bytes = 0
    },
    async totals(): Promise<CacheTotals> {
      return { entries: entries.size, bytes }
    },
    async evict({ maxEntries, maxBytes }) {
      let deleted = 0
      for (const id of entries.keys()) {
        if (entries.size <= maxEntries && bytes <= maxBytes) break
        remove(id)
        deleted++
      }
      return deleted
    },
    close() {
      entries.clear()
      bytes = 0
    },
  }
}
