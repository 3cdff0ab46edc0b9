// The one live frontend instance: config, fetcher, both cache tiers, shared in-flight loads and counters.
// initPixstoreFrontend replaces it; calls already running keep the instance they started with.
import { createHttpFetcher } from './fetch/http-fetcher.js'
import { resolveFrontendConfig, type ResolvedFrontendConfig } from './config.js'
import type { CacheStore } from './cache/cache-store.js'
import { createHotTier, type HotTier } from './cache/hot-tier.js'
import { openIndexedDBCacheStore } from './cache/indexeddb-cache-store.js'
import { createMemoryCacheStore } from './cache/memory-cache-store.js'
import type { ImageFetcher } from '../types/index.js'
import type { LoadResult } from './load-result.js'
import { createWriteQueue, dropQueuedWrites, flushTouches, flushWrites, type WriteQueue } from './cache-writes.js'
import { createFetchCoalescer, type FetchCoalescer } from './fetch/fetch-coalescer.js'

/** One network load that every concurrent getImage of the same id+token awaits. */
export interface SharedLoad {
  promise: Promise<LoadResult>
  /** Aborted only when every caller waiting on this load has aborted. */
  controller: AbortController
  waiters: number
}

export interface FrontendCounters {
  hits: number
  hotHits: number
  misses: number
  networkRequests: number
  cacheWriteErrors: number
}

export interface FrontendRuntime {
  readonly config: ResolvedFrontendConfig
  readonly fetcher: ImageFetcher
  readonly customFetcher: boolean
  readonly hot: HotTier
  readonly inflight: Map<string, SharedLoad>
  /** Cache writes and touches not yet committed (see cache-writes.ts); reads see the queued writes. */
  readonly writes: WriteQueue
  /** Groups the network misses of one tick into batch requests (see fetch-coalescer.ts). */
  readonly network: FetchCoalescer
  /**
   * Bumped by clearImageCache (`all`) and deleteCachedImage (per id), so a load already in flight
   * when the cache was emptied (say, at logout) returns its image but puts it back in neither tier.
   */
  readonly emptied: { all: number; ids: Map<string, number> }
  readonly counters: FrontendCounters
  store(): Promise<CacheStore>
  close(): void
}

// A blocked upgrade (another tab holding an old schema) must not stall images: fall back to memory.
const OPEN_TIMEOUT_MS = 3000

// Merely reading `indexedDB` throws a SecurityError in some contexts (opaque origins, storage
// blocked): that is "no IndexedDB", not a failed image.
function indexedDBPresent(): boolean {
  try {
    return Boolean((globalThis as { indexedDB?: unknown }).indexedDB)
  } catch {
    return false
  }
}

function createRuntime(config: ResolvedFrontendConfig, customFetcher: ImageFetcher | undefined): FrontendRuntime {
  let opened: Promise<CacheStore> | undefined
  let resolved: CacheStore | undefined
  let closed = false
  const openStore = async (): Promise<CacheStore> => {
    if (config.useIndexedDB && indexedDBPresent()) {
      const attempt = openIndexedDBCacheStore({
        dbName: config.frontendDbName,
        dbVersion: config.frontendDbVersion,
        storeName: config.imageStoreName,
      })
      let timer: ReturnType<typeof setTimeout> | undefined
      const timeout = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), OPEN_TIMEOUT_MS)
      })
      try {
        const store = await Promise.race([attempt, timeout])
        if (store) return store
        void attempt.then((late) => late.close(), () => {})
      } catch {
        // Missing, blocked, private mode, foreign schema: the memory store below keeps images loading.
      } finally {
        clearTimeout(timer)
      }
    }
    return createMemoryCacheStore()
  }
  const fetcher: ImageFetcher = customFetcher ?? createHttpFetcher({
        endpointBaseUrl: config.endpointBaseUrl,
        retries: config.fetchRetries,
        retryDelayMs: config.fetchRetryDelayMs,
        maxResponseBytes: config.maxResponseBytes,
        timeoutMs: config.fetchTimeoutMs,
      })
  const counters: FrontendCounters = { hits: 0, hotHits: 0, misses: 0, networkRequests: 0, cacheWriteErrors: 0 }
  return {
    config,
    fetcher,
    customFetcher: customFetcher !== undefined,
    network: createFetchCoalescer({ fetcher, customFetcher: customFetcher !== undefined, maxBatchItems: config.maxBatchItems, counters }),
    hot: createHotTier(config.frontendHotTierMaxBytes),
    inflight: new Map(),
    writes: createWriteQueue(),
    emptied: { all: 0, ids: new Map() },
    counters,
    store() {
      if (resolved?.isOpen()) return opened!
      // First use, or the connection was closed under us (database deleted or upgraded elsewhere).
      if (resolved || !opened) {
        resolved = undefined
        opened = openStore().then((store) => (resolved = store))
      }
      return opened
    },
    close() {
      if (closed) return
      closed = true
      this.hot.clear()
      // What this instance queued is still written (its images decrypted), then its connection closed.
      const flushed = Promise.allSettled([flushWrites(this), flushTouches(this)])
      if (opened) void flushed.then(() => opened).then((store) => store?.close(), () => {})
    },
  }
}

let current: FrontendRuntime | undefined

/** The live instance, created with the default config on first use. */
export function getRuntime(): FrontendRuntime {
  current ??= createRuntime(resolveFrontendConfig({}), undefined)
  return current
}

/** Swaps in a new instance (after the config was validated, so a bad config changes nothing). */
export function replaceRuntime(config: ResolvedFrontendConfig, customFetcher: ImageFetcher | undefined): FrontendRuntime {
  current?.close()
  current = createRuntime(config, customFetcher)
  return current
}

/** Writes every queued cache write and touch now; resolves once they settled (failures are counted, not thrown). */
export async function settlePendingWrites(runtime: FrontendRuntime): Promise<void> {
  await flushWrites(runtime).catch(() => {})
  await flushTouches(runtime)
}

/** Which emptying of `id`'s cache entries a load sees; a load caches only if this is unchanged. */
export function cacheEpoch(runtime: FrontendRuntime, id: string): string {
  return `${runtime.emptied.all}:${runtime.emptied.ids.get(id) ?? 0}`
}

/** Records that the cache was emptied (of `id` only, or of everything), before the tiers are. */
export function markEmptied(runtime: FrontendRuntime, id?: string): void {
  const { emptied } = runtime
  dropQueuedWrites(runtime, id)
  if (id === undefined) {
    emptied.all++
    emptied.ids.clear()
  } else {
    emptied.ids.set(id, (emptied.ids.get(id) ?? 0) + 1)
  }
}
