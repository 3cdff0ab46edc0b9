// The persistent tier on IndexedDB through `idb`. Two object stores: the images themselves, and one
// running-totals record updated in the same transaction as every write, so limits are checked without
// walking the cache. The `lastUsed` index is keyed [lastUsed, size]: a key cursor over it yields the
// oldest ids with their sizes and never loads a ciphertext, which is what keeps eviction cheap.
import { openDB, unwrap, type DBSchema, type IDBPDatabase } from 'idb'
import { adoptPixstore3Records, isPixstore3Layout } from './adopt-pixstore3-cache.js'
import type { CacheStore, CachedImage, CacheTotals } from './cache-store.js'
import { variantSlotRange } from '../image-target.js'

interface CacheSchema extends DBSchema {
  images: { key: string; value: CachedImage; indexes: { lastUsed: [number, number] } }
  totals: { key: string; value: CacheTotals }
}

const TOTALS_KEY = 'totals'

// Requests queued on a transaction are not awaited one by one: the transaction's `done` promise
// reports their failure. Their own promises still get a handler, or a failed request (quota, abort)
// would also surface as an unhandled rejection.
const queued = (request: Promise<unknown>): void => {
  request.catch(() => {})
}
const LAST_USED_INDEX = 'lastUsed'

// Ciphertexts from this size on are stored as Blob values. Chromium keeps a large ArrayBuffer value
// in a blob file anyway (IndexedDB wraps values over 64 KiB), but reading one back unwraps it on the
// main thread, in request order: in a 12 × 1 MiB gallery each read then waited for the one before.
// A Blob value comes back as a handle at once, and the bytes are read (blob.arrayBuffer()) in
// parallel. Smaller values stay ArrayBuffers: a blob file per 10 KiB entry costs more than it saves.
const BLOB_VALUE_MIN_BYTES = 64 * 1024

function storable(entry: CachedImage): CachedImage {
  const c = entry.ciphertext
  if (!(c instanceof ArrayBuffer) || c.byteLength < BLOB_VALUE_MIN_BYTES || typeof Blob !== 'function') return entry
  return { ...entry, ciphertext: new Blob([c]) }
}

export interface IndexedDBCacheOptions {
  dbName: string
  dbVersion: number
  storeName: string
}

/**
 * Opens (creating if needed) the cache database. Rejects when IndexedDB is missing, blocked or its
 * schema is not ours, so the caller can fall back to memory.
 */
export async function openIndexedDBCacheStore(options: IndexedDBCacheOptions): Promise<CacheStore> {
  if (!(globalThis as { indexedDB?: IDBFactory }).indexedDB) throw new Error('IndexedDB is not available')
  // `idb` names stores by its schema type; ours come from config, so the names are cast once here.
  const images = options.storeName as 'images'
  const totalsStore = `${options.storeName}-totals` as 'totals'
  let db: IDBPDatabase<CacheSchema>
  let open_ = true
  const open = () =>
    openDB<CacheSchema>(options.dbName, options.dbVersion, {
      upgrade(database, _oldVersion, _newVersion, transaction) {
        const hadTotals = database.objectStoreNames.contains(totalsStore)
        if (!hadTotals) database.createObjectStore(totalsStore)
        if (!database.objectStoreNames.contains(images)) {
          database.createObjectStore(images, { keyPath: 'id' }).createIndex(LAST_USED_INDEX, ['lastUsed', 'size'])
          return
        }
        // An existing store without our index: adopt pixstore 3.2.1's cache, leave anything else
        // alone (the schema check below then falls back to memory).
        const raw = unwrap(transaction).objectStore(images)
        if (hadTotals || !isPixstore3Layout(raw)) return
        raw.createIndex(LAST_USED_INDEX, ['lastUsed', 'size'])
        const totalsRaw = unwrap(transaction).objectStore(totalsStore)
        adoptPixstore3Records(raw, (totals) => totalsRaw.put(totals, TOTALS_KEY))
      },
      // Another tab deletes the database or wants a newer schema: step aside rather than block it
      // forever; the frontend reopens (or falls back to memory) on its next call.
      blocking() {
        open_ = false
        db.close()
      },
      terminated() {
        open_ = false
      },
      // An old connection (another tab, maybe pixstore 3) does not step aside: do not wait for it.
      blocked() {
        onBlocked(new Error(`IndexedDB upgrade of ${options.dbName} is blocked by another connection`))
      },
    })
  let onBlocked: (error: Error) => void = () => {}
  const blocked = new Promise<never>((_, reject) => {
    onBlocked = reject
  })
  blocked.catch(() => {})
  const opening = open()
  try {
    db = await Promise.race([opening, blocked])
  } catch (error) {
    // If it opens after all, nobody uses that connection: close it so it blocks nothing in turn.
    opening.then((late) => late.close(), () => {})
    throw error
  }
  const names = db.objectStoreNames
  if (!names.contains(images) || !names.contains(totalsStore) || !db.transaction(images).store.indexNames.contains(LAST_USED_INDEX)) {
    db.close()
    throw new Error(`IndexedDB database ${options.dbName} holds a schema that is not Pixstore's cache`)
  }

  // The hit path's one read goes through the bare API: idb's wrapper also creates a `done` promise
  // with three listeners per transaction, which measurably doubles the cost of a small read.
  const raw = unwrap(db)

  // Ids this page knows are stored (all of them at open: keys only, no values), see CacheStore.mayHave.
  const known = new Set<string>(await db.getAllKeys(images))

  // Reads of one tick, flushed in one readonly transaction: one request per id, all resolved together
  // once the last one is in. In Chromium each image's Blob and object URL (after its decryption) are
  // round trips to the browser process, which is still serving the other reads: resolved one by one,
  // every result waited ~3 ms behind the previous one's Blob. Together, the reads finish first and the
  // Blobs follow back to back: a 60 × 10 KiB reload 15–23 % faster, 12 × 1 MiB ~5 %, in interleaved
  // A/B runs of the browser bench. The flush is a microtask, not a timer: the getImage calls of one
  // render reach here at the same await depth, so they are all queued before it runs, and a lone hit
  // pays no timer turn (1 ms in Node, up to 4 ms in a browser once timers nest).
  type PendingGet = { id: string; resolve: (value: CachedImage | undefined) => void; reject: (error: unknown) => void }
  let pendingGets: PendingGet[] | undefined
  const flushGets = () => {
    const batch = pendingGets ?? []
    pendingGets = undefined
    let store: IDBObjectStore
    try {
      store = raw.transaction(images, 'readonly').objectStore(images)
    } catch (error) {
      for (const get of batch) get.reject(error)
      return
    }
    let left = batch.length
    const settled: Array<() => void> = []
    const done = (settle: () => void) => {
      settled.push(settle)
      if (--left === 0) for (const s of settled) s()
    }
    for (const get of batch) {
      const request = store.get(get.id)
      request.onsuccess = () => done(() => get.resolve(request.result as CachedImage | undefined))
      request.onerror = (event) => {
        // A failed read is that image's miss; the others in the transaction still complete.
        event.preventDefault()
        done(() => get.reject(request.error))
      }
    }
  }

  const readTotals = (value: CacheTotals | undefined): CacheTotals => ({
    entries: Math.max(0, value?.entries ?? 0),
    bytes: Math.max(0, value?.bytes ?? 0),
  })

  // One readwrite transaction for every write of a flush, with the running totals updated once.
  const putMany: CacheStore['putMany'] = async (writes) => {
    const tx = db.transaction([images, totalsStore], 'readwrite')
    queued(tx.done)
    const store = tx.objectStore(images)
    const meta = tx.objectStore(totalsStore)
    const [olds, current] = await Promise.all([Promise.all(writes.map(({ entry }) => store.get(entry.id))), meta.get(TOTALS_KEY)])
    const totals = readTotals(current)
    const slots = new Map<string, CachedImage | undefined>()
    let wrote = 0
    writes.forEach(({ entry, proven }, i) => {
      const old = slots.has(entry.id) ? slots.get(entry.id) : olds[i]
      if (old && !proven && old.token >= entry.token) return
      if (old) {
        totals.entries -= 1
        totals.bytes -= old.size
      }
      totals.entries += 1
      totals.bytes += entry.size
      slots.set(entry.id, entry)
      queued(store.put(storable(entry)))
      wrote++
    })
    if (wrote === 0) {
      await tx.done
      return null
    }
    // Not awaited one by one: the requests queue on this transaction, whose completion is the commit.
    queued(meta.put(totals, TOTALS_KEY))
    await tx.done
    for (const id of slots.keys()) known.add(id)
    return totals
  }

  return {
    kind: 'indexeddb',
    isOpen: () => open_,
    mayHave(id) {
      return known.has(id)
    },
    get(id) {
      return new Promise<CachedImage | undefined>((resolve, reject) => {
        if (!pendingGets) {
          pendingGets = []
          queueMicrotask(flushGets)
        }
        pendingGets.push({ id, resolve, reject })
      })
    },
    put: (entry, proven) => putMany([{ entry, proven }]),
    putMany,
    async touchMany(touches) {
      const tx = db.transaction(images, 'readwrite')
      queued(tx.done)
      await Promise.all(
        touches.map(async ({ id, token, lastUsed }) => {
          const old = await tx.store.get(id)
          if (old && old.token === token && old.lastUsed < lastUsed) queued(tx.store.put({ ...old, lastUsed }))
        }),
      )
      await tx.done
    },
    async touch(id, token, lastUsed) {
      const tx = db.transaction(images, 'readwrite')
      queued(tx.done)
      const old = await tx.store.get(id)
      if (old && old.token === token && old.lastUsed < lastUsed) queued(tx.store.put({ ...old, lastUsed }))
      await tx.done
    },
    async delete(id) {
      const tx = db.transaction([images, totalsStore], 'readwrite')
      queued(tx.done)
      const store = tx.objectStore(images)
      const meta = tx.objectStore(totalsStore)
      const [old, current] = await Promise.all([store.get(id), meta.get(TOTALS_KEY)])
      if (old) {
        const totals = readTotals(current)
        queued(store.delete(id))
        queued(meta.put(readTotals({ entries: totals.entries - 1, bytes: totals.bytes - old.size }), TOTALS_KEY))
      }
      await tx.done
      known.delete(id)
    },
    async deleteImage(id) {
      const tx = db.transaction([images, totalsStore], 'readwrite')
      queued(tx.done)
      const store = tx.objectStore(images)
      const meta = tx.objectStore(totalsStore)
      const [first, end] = variantSlotRange(id)
      const range = IDBKeyRange.bound(first, end, false, true)
      // The original's slot and the variants' range; sizes come from the index keys, no ciphertext is read.
      const [old, current] = await Promise.all([store.get(id), meta.get(TOTALS_KEY)])
      const totals = readTotals(current)
      const gone: string[] = []
      if (old) {
        gone.push(id)
        totals.entries -= 1
        totals.bytes -= old.size
      }
      for (let cursor = await store.openCursor(range); cursor; cursor = await cursor.continue()) {
        gone.push(cursor.primaryKey)
        totals.entries -= 1
        totals.bytes -= cursor.value.size
      }
      if (gone.length > 0) {
        queued(store.delete(id))
        queued(store.delete(range))
        queued(meta.put(readTotals(totals), TOTALS_KEY))
      }
      await tx.done
      for (const slot of gone) known.delete(slot)
    },
    async has(id) {
      return (await db.getKey(images, id)) !== undefined
    },
    async clear() {
      const tx = db.transaction([images, totalsStore], 'readwrite')
      queued(tx.done)
      queued(tx.objectStore(images).clear())
      queued(tx.objectStore(totalsStore).clear())
      await tx.done
      known.clear()
    },
    async totals() {
      return readTotals(await db.get(totalsStore, TOTALS_KEY))
    },
    async evict({ maxEntries, maxBytes, batch }) {
      let deleted = 0
      for (;;) {
        const tx = db.transaction([images, totalsStore], 'readwrite')
        queued(tx.done)
        const store = tx.objectStore(images)
        const meta = tx.objectStore(totalsStore)
        const totals = readTotals(await meta.get(TOTALS_KEY))
        let inBatch = 0
        const gone: string[] = []
        let cursor = totals.entries > maxEntries || totals.bytes > maxBytes ? await store.index(LAST_USED_INDEX).openKeyCursor() : null
        while (cursor && inBatch < batch && (totals.entries > maxEntries || totals.bytes > maxBytes)) {
          queued(store.delete(cursor.primaryKey))
          gone.push(cursor.primaryKey)
          totals.entries -= 1
          totals.bytes -= cursor.key[1]
          inBatch++
          cursor = await cursor.continue()
        }
        // Ran off the end of the index: the store is empty whatever the running totals said.
        const exhausted = cursor === null && (totals.entries > maxEntries || totals.bytes > maxBytes)
        if (inBatch > 0 || exhausted) queued(meta.put(exhausted ? { entries: 0, bytes: 0 } : readTotals(totals), TOTALS_KEY))
        await tx.done
        for (const id of gone) known.delete(id)
        deleted += inBatch
        if (inBatch < batch || exhausted) return deleted
      }
    },
    close() {
      open_ = false
      db.close()
    },
  }
}
