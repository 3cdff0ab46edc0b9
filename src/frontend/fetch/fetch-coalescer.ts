// Network misses started in the same tick, for the same context object (or none), become one batch
// request when the fetcher has `fetchBatch` (at most maxBatchItems each); each image then gets its
// own frame and goes through the same per-image rules as a single answer. A group of one is a plain
// single request, exactly as pixstore 3.2.1 speaks it. A batch that fails as a whole (no batch route,
// an answer that is no valid container) is retried as single requests, and batching stays off for the rest
// of this frontend instance. Aborts: one caller's abort rejects its image only; the batch request is
// aborted once every image in it was.
import { decodeBatch, decodeWirePayload } from '../../codec/index.js'
import { PixstoreError } from '../../shared/errors.js'
import type { ImageFetchRequest, ImageFetcher, ImageRecord, WirePayload } from '../../types/index.js'
import { causeText } from '../cause-text.js'
import { abortedError, signalOf } from './abort.js'

/** Told each v1 frame of a batch (by its index) as soon as its bytes arrived; see BatchImageFetcher. */
export type BatchFrameListener = (index: number, frame: Uint8Array) => void

/**
 * An ImageFetcher that can also fetch several records in one request (a batch container, in order).
 * `requests[i]` says what `records[i]` is asked for (`{ variant }`, or `{}` for the original); one
 * batch may hold the original and variants of one id. A fetcher that reads the container as it
 * arrives may call `onFrame(i, frame)` for frames already complete (the built-in one does): their
 * images decrypt while the rest is on the wire. Optional; the resolved container is what counts.
 */
export type BatchImageFetcher<Context = any> = ImageFetcher<Context> & {
  fetchBatch?: (records: ImageRecord[], context?: Context, requests?: ImageFetchRequest[], onFrame?: BatchFrameListener) => Promise<Uint8Array>
}

export interface FetchedFrame {
  payload: WirePayload
  /** Bytes of this image's frame. */
  wireBytes: number
  /** Time spent decoding it, ms. */
  decodeMs: number
}

function decoded(frame: Uint8Array): FetchedFrame {
  const started = performance.now()
  const payload = decodeWirePayload(frame)
  return { payload, wireBytes: frame.length, decodeMs: performance.now() - started }
}

export interface FetchCoalescer {
  /**
   * The decoded answer for `record` (its `variant`, or the original when undefined). `context` is the
   * caller's (the grouping key), `fetchContext` what a single request passes to the fetcher, `signal`
   * the shared load's.
   */
  fetch(record: ImageRecord, variant: string | undefined, context: unknown, fetchContext: unknown, signal: AbortSignal): Promise<FetchedFrame>
}

interface Waiter {
  record: ImageRecord
  variant: string | undefined
  fetchContext: unknown
  signal: AbortSignal
  settled: boolean
  resolve(frame: FetchedFrame): void
  reject(error: unknown): void
}

export function createFetchCoalescer(options: {
  fetcher: BatchImageFetcher
  customFetcher: boolean
  maxBatchItems: number
  counters: { networkRequests: number }
}): FetchCoalescer {
  const { fetcher, counters } = options
  let batchOff = options.maxBatchItems < 2
  let pending = new Map<unknown, Waiter[]>()
  let scheduled = false

  const fail = (error: unknown, signal: AbortSignal): PixstoreError => {
    if (error instanceof PixstoreError) return error
    if (signal.aborted) return abortedError(signal)
    return new PixstoreError('FETCH_FAILED', `the image fetcher failed: ${causeText(error)}`, { cause: error })
  }

  const single = async (record: ImageRecord, variant: string | undefined, fetchContext: unknown, signal: AbortSignal): Promise<FetchedFrame> => {
    counters.networkRequests++
    let bytes: unknown
    try {
      // The original is asked for exactly as before variants existed (two arguments), so a fetcher
      // written for pixstore 3.2.1 keeps working; a variant adds the third.
      bytes = await (variant === undefined ? fetcher(record, fetchContext) : fetcher(record, fetchContext, { variant }))
    } catch (error) {
      throw fail(error, signal)
    }
    if (!(bytes instanceof Uint8Array)) throw new PixstoreError('FETCH_FAILED', 'the image fetcher must resolve to a Uint8Array')
    return decoded(bytes)
  }

  const settle = (waiter: Waiter, run: () => Promise<FetchedFrame>) => {
    run().then(
      (frame) => {
        if (waiter.settled) return
        waiter.settled = true
        waiter.resolve(frame)
      },
      (error) => {
        if (waiter.settled) return
        waiter.settled = true
        waiter.reject(error)
      },
    )
  }

  const runBatch = async (context: unknown, waiters: Waiter[]) => {
    const controller = new AbortController()
    const onAbort = () => {
      if (waiters.every((w) => w.signal.aborted)) controller.abort(waiters[0]!.signal.reason)
    }
    for (const w of waiters) w.signal.addEventListener('abort', onAbort, { once: true })
    // As for a single request: a custom fetcher gets the caller's very context unless it carries a
    // signal, which is then replaced by the batch's own (aborted only once every image was).
    const batchContext = options.customFetcher && signalOf(context) === undefined ? context : { ...(context as object), signal: controller.signal }
    counters.networkRequests++
    let frames: FetchedFrame[]
    // A frame handed on early is that image's answer at once (the same v1 decode as below); one that
    // does not decode is left to the whole container's check.
    let streamed = 0
    const onFrame: BatchFrameListener = (index, bytes) => {
      const waiter = waiters[index]
      if (!waiter || waiter.settled || !(bytes instanceof Uint8Array)) return
      let frame: FetchedFrame
      try {
        frame = decoded(bytes)
      } catch {
        return
      }
      streamed++
      settle(waiter, async () => frame)
    }
    try {
      const bytes: unknown = await fetcher.fetchBatch!(
        waiters.map((w) => w.record),
        batchContext,
        waiters.map((w) => (w.variant === undefined ? {} : { variant: w.variant })),
        onFrame,
      )
      if (!(bytes instanceof Uint8Array)) throw new PixstoreError('FETCH_FAILED', 'fetchBatch must resolve to a Uint8Array')
      const started = performance.now()
      const payloads = decodeBatch(bytes, waiters.length)
      const decodeMs = (performance.now() - started) / payloads.length
      // The directory (validated by decodeBatch) says how many bytes each image took on the wire.
      const directory = new DataView(bytes.buffer, bytes.byteOffset + 4, 4 * payloads.length)
      frames = payloads.map((payload, i) => ({ payload, wireBytes: directory.getUint32(4 * i, true), decodeMs }))
    } catch (error) {
      if (controller.signal.aborted) {
        for (const w of waiters) settle(w, () => Promise.reject(abortedError(w.signal)))
        return
      }
      // No batch route (a pixstore 3.2.1 backend), or no container: single requests from now on.
      // A batch that failed after some of its frames arrived was understood: the route stays on.
      if (streamed === 0) batchOff = true
      for (const w of waiters) if (!w.settled) settle(w, () => single(w.record, w.variant, w.fetchContext, w.signal))
      return
    } finally {
      for (const w of waiters) w.signal.removeEventListener('abort', onAbort)
    }
    // Each image through its own answer: an error state fails that image only.
    frames.forEach((frame, i) => settle(waiters[i]!, async () => frame))
  }

  const flush = () => {
    scheduled = false
    const groups = pending
    pending = new Map()
    for (const [context, waiters] of groups) {
      const live = waiters.filter((w) => !w.settled)
      for (let i = 0; i < live.length; i += options.maxBatchItems) {
        const chunk = live.slice(i, i + options.maxBatchItems)
        if (chunk.length === 1 || batchOff) {
          for (const w of chunk) settle(w, () => single(w.record, w.variant, w.fetchContext, w.signal))
        } else {
          void runBatch(context, chunk)
        }
      }
    }
  }

  return {
    fetch(record, variant, context, fetchContext, signal) {
      if (batchOff || typeof fetcher.fetchBatch !== 'function') return single(record, variant, fetchContext, signal)
      return new Promise<FetchedFrame>((resolve, reject) => {
        const waiter: Waiter = { record, variant, fetchContext, signal, settled: false, resolve, reject }
        signal.addEventListener(
          'abort',
          () => {
            if (waiter.settled) return
            waiter.settled = true
            reject(abortedError(signal))
          },
          { once: true },
        )
        const group = pending.get(context)
        if (group) group.push(waiter)
        else pending.set(context, [waiter])
        if (!scheduled) {
          scheduled = true
          // A macrotask, so every getImage of the current task (a whole gallery render) is in the group.
          setTimeout(flush, 0)
        }
      })
    },
  }
}
