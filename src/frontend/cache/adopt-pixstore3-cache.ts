// pixstore 3.2.1 kept its cache in the same place ('pixstore' database, 'images' store, keyPath 'id',
// no index) as `{ id, encrypted, token, lastUsed }`. Its `encrypted` is the same tag-less GCM
// ciphertext under the same token, so an upgrading application keeps its users' caches: the records
// are rewritten in our shape, in the upgrade transaction, one cursor step at a time.
import type { CacheTotals } from './cache-store.js'

/** True for pixstore 3.2.1's store layout (and nothing else we would rewrite). */
export function isPixstore3Layout(store: IDBObjectStore): boolean {
  return store.keyPath === 'id' && store.indexNames.length === 0
}

function ciphertextOf(value: unknown): ArrayBuffer | null {
  if (value instanceof ArrayBuffer) return value
  // pixstore 3 stored a view into the whole wire frame; keep only the viewed bytes.
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice().buffer
  return null
}

/**
 * Rewrites every record of a pixstore 3 store in place; records that are not pixstore 3 cache
 * entries are dropped (it is a cache: the network has them). `done` gets the new totals inside the
 * same request callback, while the upgrade transaction is certainly still active.
 */
export function adoptPixstore3Records(store: IDBObjectStore, done: (totals: CacheTotals) => void): void {
  const totals = { entries: 0, bytes: 0 }
  const request = store.openCursor()
  // A failed request aborts the upgrade transaction by default: the open fails, memory is used.
  request.onsuccess = () => {
    const cursor = request.result
    if (!cursor) return done(totals)
    const old = cursor.value as { id?: unknown; encrypted?: unknown; token?: unknown; lastUsed?: unknown }
    const ciphertext = ciphertextOf(old.encrypted)
    if (typeof old.id === 'string' && ciphertext && Number.isSafeInteger(old.token) && (old.token as number) >= 0) {
      const lastUsed = typeof old.lastUsed === 'number' && Number.isFinite(old.lastUsed) ? old.lastUsed : 0
      cursor.update({ id: old.id, token: old.token, ciphertext, size: ciphertext.byteLength, lastUsed })
      totals.entries++
      totals.bytes += ciphertext.byteLength
    } else {
      cursor.delete()
    }
    cursor.continue()
  }
}
