// Cache writes and `lastUsed` touches, off the path that puts images on screen. Writes are queued
// and flushed in one readwrite transaction per batch after a quiet period (and, where the browser
// has it, when it is idle), bounded in time (WRITE_MAX_WAIT_MS after the first queued write) and in
// memory (WRITE_MAX_QUEUED_BYTES), and flushed at once when the page is hidden or left (pagehide),
// so a reload still finds them. The quiet period is long enough for the images just handed out to
// decode: in Chromium a write serialises its values (large ones into blob files) on the main thread,
// and a 12 MiB flush 150 ms after the last image measurably delayed that image's decode. A queued write is visible to reads (load-image serves it from its
// bytes) until its transaction committed. Touches are an eviction hint: collected, written later in
// one transaction, and losing one costs only LRU precision.
import type { CacheStore, CachedImage } from './cache/cache-store.js'
import { isQuotaError } from './cache/cache-store.js'
import { cacheEpoch, type FrontendRuntime } from './runtime.js'
import { imageIdOf, isSlotOf } from './image-target.js'

export interface QueuedWrite {
  readonly entry: CachedImage
  readonly proven: boolean
  /** cacheEpoch when the load started: an emptying since then drops the write. */
  readonly epoch: string
  readonly store: CacheStore
}

export interface WriteQueue {
  readonly queued: Map<string, QueuedWrite>
  bytes: number
  firstAt: number
  timer: ReturnType<typeof setTimeout> | undefined
  /** The flush running now (flushes never overlap). */
  running: Promise<void>
  readonly touches: Map<string, { token: number; lastUsed: number }>
  touchTimer: ReturnType<typeof setTimeout> | undefined
}

const WRITE_QUIET_MS = 1000
const WRITE_MAX_WAIT_MS = 5000
const WRITE_MAX_QUEUED_BYTES = 16 << 20
const IDLE_TIMEOUT_MS = 500
const TOUCH_DELAY_MS = 1000

export function createWriteQueue(): WriteQueue {
  return { queued: new Map(), bytes: 0, firstAt: 0, timer: undefined, running: Promise.resolve(), touches: new Map(), touchTimer: undefined }
}

type IdleWindow = { requestIdleCallback?: (callback: () => void, options: { timeout: number }) => number }
function whenIdle(run: () => void): void {
  const idle = (globalThis as IdleWindow).requestIdleCallback
  if (typeof idle === 'function') idle(run, { timeout: IDLE_TIMEOUT_MS })
  else run()
}

type PageEvents = { addEventListener?: (type: string, listener: () => void) => void; document?: { visibilityState?: string } }
const flushOnLeave = new WeakSet<FrontendRuntime>()

// A page going away (reload, navigation, tab hidden) writes what is queued now rather than never.
function watchPageLeave(runtime: FrontendRuntime): void {
  const page = globalThis as PageEvents
  if (flushOnLeave.has(runtime) || typeof page.addEventListener !== 'function') return
  flushOnLeave.add(runtime)
  const now = () => {
    if (runtime.writes.queued.size > 0) void flushWrites(runtime)
  }
  page.addEventListener('pagehide', now)
  page.addEventListener('visibilitychange', () => {
    if (page.document?.visibilityState === 'hidden') now()
  })
}

/** Queues `entry` for the persistent tier. */
export function queueWrite(runtime: FrontendRuntime, write: QueuedWrite): void {
  watchPageLeave(runtime)
  const q = runtime.writes
  const old = q.queued.get(write.entry.id)
  if (old) q.bytes -= old.entry.size
  q.queued.set(write.entry.id, write)
  q.bytes += write.entry.size
  const at = Date.now()
  if (q.timer === undefined) q.firstAt = at
  else clearTimeout(q.timer)
  const wait = q.bytes >= WRITE_MAX_QUEUED_BYTES ? 0 : Math.max(0, Math.min(WRITE_QUIET_MS, q.firstAt + WRITE_MAX_WAIT_MS - at))
  q.timer = setTimeout(() => {
    q.timer = undefined
    whenIdle(() => void flushWrites(runtime))
  }, wait)
}

/**
 * Drops queued writes (of `id`'s original and variants, or all) after an emptying; a flush already
 * running is awaited by its caller.
 */
export function dropQueuedWrites(runtime: FrontendRuntime, id?: string): void {
  const q = runtime.writes
  for (const [slot, write] of q.queued) {
    if (id !== undefined && !isSlotOf(slot, id)) continue
    q.queued.delete(slot)
    q.bytes -= write.entry.size
  }
  if (id === undefined) q.touches.clear()
  else for (const slot of [...q.touches.keys()]) if (isSlotOf(slot, id)) q.touches.delete(slot)
}

/** Writes everything queued so far, now; resolves once it committed (or failed, counted). */
export function flushWrites(runtime: FrontendRuntime): Promise<void> {
  const q = runtime.writes
  if (q.timer !== undefined) {
    clearTimeout(q.timer)
    q.timer = undefined
  }
  const run = q.running.then(async () => {
    const batch = [...q.queued.values()]
    if (batch.length === 0) return
    const current = batch.filter((write) => write.epoch === cacheEpoch(runtime, imageIdOf(write.entry.id)))
    const byStore = new Map<CacheStore, QueuedWrite[]>()
    for (const write of current) {
      const list = byStore.get(write.store)
      if (list) list.push(write)
      else byStore.set(write.store, [write])
    }
    for (const [store, writes] of byStore) await writeBatch(runtime, store, writes)
    for (const write of batch) {
      if (q.queued.get(write.entry.id) !== write) continue
      q.queued.delete(write.entry.id)
      q.bytes -= write.entry.size
    }
  })
  q.running = run
  return run
}

async function writeBatch(runtime: FrontendRuntime, store: CacheStore, writes: QueuedWrite[]): Promise<void> {
  const { frontendImageCacheLimit: maxEntries, frontendCacheMaxBytes: maxBytes, frontendCleanupBatch: batch } = runtime.config
  const fitting = writes.filter((write) => write.entry.size <= maxBytes).map(({ entry, proven }) => ({ entry, proven }))
  if (fitting.length === 0) return
  try {
    let totals
    try {
      totals = await store.putMany(fitting)
    } catch (error) {
      if (!isQuotaError(error)) throw error
      // Out of quota: free half of what we hold plus room for this batch, then try once more; if that
      // fails too the images were still returned, just not cached.
      const held = await store.totals()
      const room = fitting.reduce((sum, { entry }) => sum + entry.size, 0)
      await store.evict({ maxEntries: Math.floor(held.entries / 2), maxBytes: Math.max(0, Math.floor(held.bytes / 2) - room), batch })
      totals = await store.putMany(fitting)
    }
    if (totals && (totals.entries > maxEntries || totals.bytes > maxBytes)) await store.evict({ maxEntries, maxBytes, batch })
  } catch {
    runtime.counters.cacheWriteErrors += fitting.length
  }
}

/** Notes that `id`'s version `token` was used at `at`; written later, with the others, in one transaction. */
export function queueTouch(runtime: FrontendRuntime, id: string, token: number, at: number): void {
  const q = runtime.writes
  q.touches.set(id, { token, lastUsed: at })
  if (q.touchTimer !== undefined) return
  q.touchTimer = setTimeout(() => {
    q.touchTimer = undefined
    whenIdle(() => void flushTouches(runtime))
  }, TOUCH_DELAY_MS)
}

/** Writes the collected touches now (after the queued writes, so a touch finds its entry). */
export async function flushTouches(runtime: FrontendRuntime): Promise<void> {
  const q = runtime.writes
  if (q.touchTimer !== undefined) {
    clearTimeout(q.touchTimer)
    q.touchTimer = undefined
  }
  const touches = [...q.touches].map(([id, t]) => ({ id, ...t }))
  q.touches.clear()
  if (touches.length === 0) return
  try {
    await flushWrites(runtime)
    const store = await runtime.store()
    await store.touchMany(touches)
  } catch {
    // lastUsed is an eviction hint; losing one update costs nothing but LRU precision.
  }
}
