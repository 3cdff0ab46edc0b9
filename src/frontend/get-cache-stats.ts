import { handleError } from '../shared/error-handling.js'
import { PixstoreError } from '../shared/errors.js'
import { causeText } from './cause-text.js'
import { getRuntime, settlePendingWrites } from './runtime.js'

/** Counters since the last initPixstoreFrontend, and what the persistent cache holds now. */
export interface CacheStats {
  /** Images in the persistent cache. */
  entries: number
  /** Ciphertext bytes in the persistent cache. */
  bytes: number
  /** getImage calls served without the network (hot tier or persistent cache). */
  hits: number
  /** Of `hits`, those served by the hot tier. */
  hotHits: number
  /** Loads that went to the network. */
  misses: number
  /** Fetcher calls made (shared loads count once; a refreshRecord retry counts again). */
  networkRequests: number
  /** Decrypted images held in memory, and their bytes. */
  hotEntries: number
  hotBytes: number
  /** Which persistent store is in use. */
  store: 'indexeddb' | 'memory'
  /** Background cache writes that failed (the images were still returned). */
  cacheWriteErrors: number
}

/**
 * Cache and network counters.
 *
 * @example
 * ```ts
 * const { hits, misses, networkRequests } = (await getCacheStats())!
 * ```
 */
export async function getCacheStats(): Promise<CacheStats | null> {
  try {
    const runtime = getRuntime()
    await settlePendingWrites(runtime)
    const store = await runtime.store()
    const totals = await store.totals().catch((cause) => {
      throw new PixstoreError('CACHE_ERROR', `could not read the image cache: ${causeText(cause)}`, { cause })
    })
    const c = runtime.counters
    return {
      entries: totals.entries,
      bytes: totals.bytes,
      hits: c.hits,
      hotHits: c.hotHits,
      misses: c.misses,
      networkRequests: c.networkRequests,
      hotEntries: runtime.hot.size,
      hotBytes: runtime.hot.bytes,
      store: store.kind,
      cacheWriteErrors: c.cacheWriteErrors,
    }
  } catch (error) {
    return handleError(error)
  }
}
