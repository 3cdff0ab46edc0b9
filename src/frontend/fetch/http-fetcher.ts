// The default fetcher: one GET per image to the Pixstore endpoint (and `fetchBatch`, one POST for
// several, see BATCH.md), which answers 200 with a wire
// payload even for errors (the state byte says what happened). Only network failures are retried:
// a wire error state is an answer, and asking again would give the same one. Every call is bounded
// in time (timeoutMs, over all its attempts) and in memory (maxResponseBytes, while reading).
import { PixstoreError } from '../../shared/errors.js'
import { PROOF_HEADER, TOKEN_HEADER, VARIANT_QUERY_PARAM } from '../../shared/protocol.js'
import { isVariantName } from '../../shared/variant-name.js'
import type { ImageFetchRequest, ImageRecord } from '../../types/index.js'
import type { BatchFrameListener, BatchImageFetcher } from './fetch-coalescer.js'
import { batchFrameProgress } from './batch-frames.js'
import { causeText } from '../cause-text.js'
import { DEFAULT_FETCH_TIMEOUT_MS, DEFAULT_MAX_RESPONSE_BYTES } from './fetch-limits.js'
import { abortedError, signalOf, sleep } from './abort.js'
import { readCappedBody, type BodyProgress } from './read-capped-body.js'

export interface HttpFetcherOptions {
  /** `https://host/route` or a same-origin `/route`; the id is appended URL-encoded. */
  endpointBaseUrl: string
  /** Retries after a network error (so at most `retries + 1` requests). */
  retries?: number
  /** First retry delay in ms; each next one doubles. */
  retryDelayMs?: number
  /** Largest answer read, in bytes (default: the largest frame a default backend sends). */
  maxResponseBytes?: number
  /** Deadline of one call in ms: all attempts, their bodies and the waits between (default 30 s). */
  timeoutMs?: number
}

/** The variant a request names (undefined: the original); a name no preset could have is refused unsent. */
function variantOf(request: ImageFetchRequest | undefined): string | undefined {
  const variant = request?.variant
  if (variant === undefined || variant === null) return undefined
  if (!isVariantName(variant)) throw new PixstoreError('VARIANT_UNKNOWN', 'request.variant is not a variant name; no request was sent')
  return variant
}

/** The URL of `id` under `base`, refused (RECORD_INVALID) if it would resolve outside `base`. */
function imageUrl(base: string, id: string): string {
  let root: URL
  try {
    // Resolve once: a relative base needs a page (location); an unusable URL is not worth retrying.
    root = new URL(`${base}/`, (globalThis as { location?: { href: string } }).location?.href)
  } catch (cause) {
    throw new PixstoreError('FETCH_FAILED', `endpoint URL ${JSON.stringify(base)} cannot be resolved here (${causeText(cause)}); set endpointBaseUrl`, { cause })
  }
  const url = new URL(encodeURIComponent(id), root)
  // encodeURIComponent keeps `.` and `..`, which a URL resolves as path steps: check where it landed.
  if (!url.href.startsWith(root.href) || url.href.length === root.href.length) {
    throw new PixstoreError('RECORD_INVALID', 'record.id would leave endpointBaseUrl; no request was sent')
  }
  return url.href
}

/** The batch URL: the route itself, no id after it. */
function batchUrl(base: string): string {
  try {
    return new URL(base, (globalThis as { location?: { href: string } }).location?.href).href
  } catch (cause) {
    throw new PixstoreError('FETCH_FAILED', `endpoint URL ${JSON.stringify(base)} cannot be resolved here (${causeText(cause)}); set endpointBaseUrl`, { cause })
  }
}

/**
 * Builds the fetcher getImage uses when none is given. `context.signal` (an AbortSignal) cancels the
 * request and any pending retry; `timeoutMs` bounds the whole call (`FETCH_TIMEOUT`), and
 * `maxResponseBytes` the answer (`FETCH_TOO_LARGE`); `fetchBatch` has the same rules, its cap scaled
 * by the number of images.
 *
 * @example
 * ```ts
 * const fetcher = createHttpFetcher({ endpointBaseUrl: 'https://img.example.com/pixstore-image', timeoutMs: 10_000 })
 * initPixstoreFrontend({}, fetcher)
 * ```
 */
export function createHttpFetcher(options: HttpFetcherOptions): BatchImageFetcher<{ signal?: AbortSignal } | undefined> & {
  fetchBatch: (records: ImageRecord[], context?: { signal?: AbortSignal }, requests?: ImageFetchRequest[], onFrame?: BatchFrameListener) => Promise<Uint8Array>
} {
  const base = options.endpointBaseUrl.replace(/\/+$/, '')
  const retries = options.retries ?? 2
  const retryDelayMs = options.retryDelayMs ?? 100
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
  const timeoutMs = options.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS

  // One call: every attempt, body and wait bounded by timeoutMs, the body by `cap`.
  const send = async (url: string, init: RequestInit, cap: number, context: unknown, onProgress?: BodyProgress): Promise<Uint8Array> => {
    const signal = signalOf(context)
    if (signal?.aborted) throw abortedError(signal)
    // One signal for the request: the caller's abort or the deadline, whichever comes first.
    const combined = new AbortController()
    const timeout = new PixstoreError('FETCH_TIMEOUT', `image request took longer than fetchTimeoutMs (${timeoutMs} ms), retries included`)
    const onAbort = () => combined.abort(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    const timer = setTimeout(() => combined.abort(timeout), timeoutMs)
    const stopped = () => (signal?.aborted ? abortedError(signal) : timeout)
    try {
      for (let attempt = 0; ; attempt++) {
        if (combined.signal.aborted) throw stopped()
        try {
          const response = await fetch(url, { ...init, signal: combined.signal, credentials: 'same-origin' })
          if (!response.ok) {
            await response.body?.cancel().catch(() => {})
            // An HTTP error is the server's answer, not a network failure: no retry.
            throw new PixstoreError('FETCH_FAILED', `image endpoint answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`)
          }
          // An encoded body's Content-Length counts other bytes than the ones read: no head start.
          const encoding = response.headers.get('content-encoding')
          const identity = encoding === null || encoding.trim().toLowerCase() === 'identity'
          return await readCappedBody(response, cap, identity ? onProgress : undefined)
        } catch (error) {
          if (combined.signal.aborted) throw stopped()
          if (error instanceof PixstoreError) throw error
          if (attempt >= retries) {
            throw new PixstoreError('FETCH_FAILED', `image request failed after ${attempt + 1} attempt(s): ${causeText(error)}`, { cause: error })
          }
        }
        try {
          await sleep(retryDelayMs * 2 ** attempt, combined.signal)
        } catch {
          throw stopped()
        }
      }
    } finally {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    }
  }

  // `?variant=` only for a variant: the original's URL stays exactly pixstore 3.2.1's.
  const fetcher = async (record: ImageRecord, context?: { signal?: AbortSignal }, request?: ImageFetchRequest) => {
    const variant = variantOf(request)
    let url = imageUrl(base, record.id)
    if (variant !== undefined) url += `?${VARIANT_QUERY_PARAM}=${variant}`
    const headers: Record<string, string> = { [TOKEN_HEADER]: String(record.token) }
    if (record.statelessProof) headers[PROOF_HEADER] = record.statelessProof
    return send(url, { method: 'GET', headers }, maxResponseBytes, context)
  }
  // BATCH.md: POST to the route itself, the items as JSON; the answer is a container of one frame per
  // item, so the cap is one frame's per item plus the directory.
  // `onFrame`: each frame as soon as its bytes are in (see batch-frames.ts); the resolved container is
  // still the whole answer.
  fetcher.fetchBatch = async (records: ImageRecord[], context?: { signal?: AbortSignal }, requests?: ImageFetchRequest[], onFrame?: BatchFrameListener) => {
    for (const record of records) imageUrl(base, record.id) // the same id check as a GET, before anything is sent
    const items = records.map((record, i) => {
      const variant = variantOf(requests?.[i])
      const item = { id: record.id, token: record.token, proof: record.statelessProof ?? '' }
      return variant === undefined ? item : { ...item, variant }
    })
    const body = JSON.stringify({ v: 1, items })
    const cap = records.length * (maxResponseBytes + 4) + 4
    const progress = onFrame ? batchFrameProgress(records.length, onFrame) : undefined
    return send(batchUrl(base), { method: 'POST', headers: { 'content-type': 'application/json' }, body }, cap, context, progress)
  }
  return fetcher
}
