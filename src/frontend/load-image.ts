// The getImage pipeline. Order of the tiers: hot (decrypted Blobs in memory) -> persistent cache
// (ciphertext, same token; the reads of one tick share a transaction) -> one shared network load per
// slot+token (the misses of one tick share a batch request). A slot is an id's original or one of its
// variants (see image-target.ts): every tier keys on it, and each slot decrypts with its own meta. The persistent tier is written only after
// decryption succeeded, through the write queue: the caller has its Blob long before the write
// commits, and reads of that id meanwhile are served from the queued bytes (see cache-writes.ts).
import { PixstoreError } from '../shared/errors.js'
import { causeText } from './cause-text.js'
import { WireState, type ImageRecord } from '../types/index.js'
import type { CacheStore, CachedImage } from './cache/cache-store.js'
import { queueTouch, queueWrite } from './cache-writes.js'
import { materialTag } from './cache/hot-tier.js'
import { bytesToBase64 } from '../crypto/base64.js'
import { decryptSealedToBlob, prepareKey, sealWithTag, type KeyMaterial } from './decrypt-image.js'
import { TAG_LENGTH } from '../shared/protocol.js'
import { constantTimeEqual } from '../shared/bytes.js'
import { abortedError, signalOf } from './fetch/abort.js'
import type { LoadResult } from './load-result.js'
import { validateRecord } from './record-validation.js'
import { resolveTarget, variantOption, type ImageTarget } from './image-target.js'
import { cacheEpoch, getRuntime, type FrontendRuntime, type SharedLoad } from './runtime.js'
import type { RefreshRecord } from './config.js'
import { wireStateError } from './wire-state-error.js'

/** Per-call options getImage understands; anything else in the context goes to the fetcher untouched. */
export interface GetImageContext {
  /** Cancels this caller's wait (and the request, once no other caller shares it). */
  signal?: AbortSignal
  /** Overrides the config's refreshRecord for this call. */
  refreshRecord?: RefreshRecord
}

const now = () => performance.now()

export async function loadImage(record: ImageRecord, context: unknown, options?: unknown): Promise<LoadResult & { shared: boolean }> {
  const target = resolveTarget(record, variantOption(options))
  const runtime = getRuntime()
  const hot = runtime.hot.get(target.slot, record.token, materialTag(target.meta))
  if (hot) {
    runtime.counters.hits++
    runtime.counters.hotHits++
    const at = Date.now()
    if (at - hot.touchedAt >= runtime.config.frontendTouchIntervalMs) {
      hot.touchedAt = at
      queueTouch(runtime, target.slot, record.token, at)
    }
    return { blob: hot.blob, source: 'hot', token: record.token, wireBytes: 0, decodeMs: 0, decryptMs: 0, shared: false }
  }
  const signal = signalOf(context)
  if (signal?.aborted) throw abortedError(signal)
  const key = `${record.token}:${target.slot}`
  let load = runtime.inflight.get(key)
  // A load every earlier caller abandoned is finishing as aborted: start afresh rather than join it.
  if (load?.controller.signal.aborted) load = undefined
  const shared = load !== undefined
  if (!load) {
    const controller = new AbortController()
    const started: SharedLoad = { controller, waiters: 0, promise: undefined as unknown as Promise<LoadResult> }
    started.promise = loadUncached(runtime, record, target, context, controller.signal)
    runtime.inflight.set(key, started)
    // Forget the load once settled. These handlers also keep a failure that no caller waits for any
    // more (all aborted) from surfacing as an unhandled rejection.
    const forget = () => {
      if (runtime.inflight.get(key) === started) runtime.inflight.delete(key)
    }
    started.promise.then(forget, forget)
    load = started
  }
  const result = await waitFor(load, signal)
  return { ...result, shared }
}

/** Awaits a shared load for one caller; its abort leaves the others waiting. */
function waitFor(load: SharedLoad, signal: AbortSignal | undefined): Promise<LoadResult> {
  load.waiters++
  if (!signal) return load.promise
  return new Promise<LoadResult>((resolve, reject) => {
    const onAbort = () => {
      load.waiters--
      if (load.waiters === 0) load.controller.abort(signal.reason)
      reject(abortedError(signal))
    }
    signal.addEventListener('abort', onAbort, { once: true })
    load.promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}

/**
 * The cached ciphertext followed by the record's tag, as WebCrypto decrypts it. An entry written by
 * this version already ends with its tag: read from IndexedDB it is our own copy, so the record's tag
 * is written over it (no second buffer); a queued write's bytes are shared and never changed.
 */
function sealedOf(cached: CachedImage, buffer: ArrayBuffer | Blob, tag: Uint8Array, shared: boolean): Uint8Array {
  if (!(buffer instanceof ArrayBuffer) || !Number.isSafeInteger(cached.size) || cached.size < 0 || cached.size > buffer.byteLength) {
    throw new PixstoreError('DECRYPT_FAILED', 'cached entry is malformed')
  }
  if (buffer.byteLength !== cached.size + TAG_LENGTH) return sealWithTag(new Uint8Array(buffer, 0, cached.size), tag)
  const whole = new Uint8Array(buffer)
  const stored = whole.subarray(cached.size)
  if (constantTimeEqual(stored, tag)) return whole
  if (shared) return sealWithTag(whole.subarray(0, cached.size), tag)
  stored.set(tag)
  return whole
}

async function readBlob(blob: Blob): Promise<ArrayBuffer> {
  try {
    return await blob.arrayBuffer()
  } catch (cause) {
    throw new PixstoreError('DECRYPT_FAILED', `cached entry could not be read: ${causeText(cause)}`, { cause })
  }
}

async function loadUncached(
  runtime: FrontendRuntime,
  record: ImageRecord,
  target: ImageTarget,
  context: unknown,
  signal: AbortSignal,
): Promise<LoadResult> {
  const { slot, material } = target
  prepareKey(material)
  const epoch = cacheEpoch(runtime, record.id)
  const store = await runtime.store()
  let cached: CachedImage | undefined
  // A write still queued is what the persistent tier will hold: serve it from its bytes.
  const queued = runtime.writes.queued.get(slot)
  const fromQueue = queued !== undefined && queued.epoch === epoch && queued.entry.token === record.token
  if (fromQueue) {
    cached = queued.entry
  } else {
    try {
      if (store.mayHave(slot)) cached = await store.get(slot)
    } catch {
      cached = undefined // an unreadable cache is a miss, never a failed image
    }
  }
  if (cached && cached.token === record.token) {
    const started = now()
    try {
      // A Blob value (large entries, see indexeddb-cache-store.ts) is read here, each in parallel with
      // the others; a blob file gone missing rejects like tampered bytes, below.
      const stored = cached.ciphertext
      const buffer = typeof Blob === 'function' && stored instanceof Blob ? await readBlob(stored) : stored
      const blob = await decryptSealedToBlob(sealedOf(cached, buffer, material.tag, fromQueue), material, runtime.config.imageFormats)
      const decryptMs = now() - started
      runtime.counters.hits++
      const at = Date.now()
      const touched = at - cached.lastUsed >= runtime.config.frontendTouchIntervalMs
      if (touched) queueTouch(runtime, slot, record.token, at)
      if (cacheEpoch(runtime, record.id) === epoch) runtime.hot.set(slot, record.token, materialTag(target.meta), blob, touched ? at : cached.lastUsed, true)
      return { blob, source: store.kind, token: record.token, wireBytes: 0, decodeMs: 0, decryptMs }
    } catch (error) {
      if (!(error instanceof PixstoreError)) throw error
      // Tampered bytes or a key that changed under the same token: drop the entry, ask the network once.
      if (fromQueue && runtime.writes.queued.get(slot) === queued) {
        runtime.writes.queued.delete(slot)
        runtime.writes.bytes -= queued.entry.size
      }
      await store.delete(slot).catch(() => {})
    }
  }
  runtime.counters.misses++
  return loadFromNetwork(runtime, store, record, target, context, signal, epoch)
}

async function loadFromNetwork(
  runtime: FrontendRuntime,
  store: CacheStore,
  firstRecord: ImageRecord,
  firstTarget: ImageTarget,
  context: unknown,
  signal: AbortSignal,
  epoch: string,
): Promise<LoadResult> {
  let record = firstRecord
  let target = firstTarget
  const { slot, variant } = firstTarget
  // The fetcher gets the shared load's signal, never the first caller's own: that caller aborting must
  // not cancel a request other callers still wait for. A custom fetcher's context is otherwise passed
  // as is (the very object, when it carries no signal).
  const fetchContext = runtime.customFetcher && signalOf(context) === undefined ? context : { ...(context as object), signal }
  for (let refreshed = false; ; refreshed = true) {
    const fetched = await runtime.network.fetch(record, variant, context, fetchContext, signal)
    const { payload, decodeMs } = fetched
    let token: number
    let key: KeyMaterial
    let keyTag: string
    let ciphertext: Uint8Array
    // The record is the authority on the version: Success is the record's own version (its token,
    // its key); Updated must be strictly newer than the record, since an older or equal token is a
    // lagging replica, a restored backup or a forged answer, and would otherwise be cached and shown.
    let proven: boolean
    if (payload.state === WireState.Success) {
      proven = true
      token = record.token
      key = target.material
      keyTag = materialTag(target.meta)
      ciphertext = payload.ciphertext
    } else if (payload.state === WireState.Updated) {
      if (payload.token <= record.token) {
        throw new PixstoreError(
          'STATE_STALE_UPDATE',
          `the endpoint answered Updated with token ${payload.token}, not newer than the record's ${record.token}; refused (a lagging replica, a restored backup or a tampered answer) (image ${JSON.stringify(record.id.slice(0, 64))})`,
        )
      }
      proven = false
      token = payload.token
      key = { key: payload.key, iv: payload.iv, tag: payload.tag }
      // As the backend's record for this version spells it, so that record hits the hot tier.
      keyTag = materialTag({ key: bytesToBase64(payload.key), iv: bytesToBase64(payload.iv), tag: bytesToBase64(payload.tag) })
      ciphertext = payload.ciphertext
    } else {
      const refresh = (context as GetImageContext | undefined)?.refreshRecord ?? runtime.config.refreshRecord
      const proofRejected = payload.state === WireState.InvalidProof || payload.state === WireState.MissingProof
      if (proofRejected && refresh && !refreshed) {
        const fresh = await refresh(record)
        validateRecord(fresh)
        if (fresh.id !== record.id) throw new PixstoreError('RECORD_INVALID', 'refreshRecord returned a record for another image')
        // The fresh version must still list the variant asked for (VARIANT_UNKNOWN otherwise).
        target = resolveTarget(fresh, variant)
        record = fresh
        if (signal.aborted) throw abortedError(signal)
        continue
      }
      throw wireStateError(payload.state, record.id)
    }
    const decryptStarted = now()
    // The one copy between the wire and the cache: decrypted from, then stored as is.
    const sealed = sealWithTag(ciphertext, key.tag)
    const blob = await decryptSealedToBlob(sealed, key, runtime.config.imageFormats)
    const decryptMs = now() - decryptStarted
    // Emptied while this load was in flight (logout, deleteCachedImage): the caller gets its image,
    // the cache stays as the application left it.
    if (cacheEpoch(runtime, record.id) === epoch) {
      runtime.hot.set(slot, token, keyTag, blob, Date.now(), proven)
      const entry = { id: slot, token, ciphertext: sealed.buffer, size: ciphertext.length, lastUsed: Date.now() }
      queueWrite(runtime, { entry, proven, epoch, store })
    }
    return { blob, source: 'network', token, wireBytes: fetched.wireBytes, decodeMs, decryptMs }
  }
}
