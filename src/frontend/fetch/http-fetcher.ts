// The default fetcher: one GET per image to the Pixstore endpoint, which answers 200 with a wire
// payload even for errors (the state byte says what happened). Only network failures are retried:
// a wire error state is an answer, and asking again would give the same one. Every call is bounded
// in time (timeoutMs, over all its attempts) and in memory (maxResponseBytes, while reading).
import { PixstoreError } from '../../shared/errors.js'
import { PROOF_HEADER, TOKEN_HEADER } from '../../shared/protocol.js'
import type { ImageFetcher } from '../../types/index.js'
import { causeText } from '../cause-text.js'
import { DEFAULT_FETCH_TIMEOUT_MS, DEFAULT_MAX_RESPONSE_BYTES } from './fetch-limits.js'
import { abortedError, signalOf, sleep } from './abort.js'
import { readCappedBody } from './read-capped-body.js'

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

/**
 * Builds the fetcher getImage uses when none is given. `context.signal` (an AbortSignal) cancels the
 * request and any pending retry; `timeoutMs` bounds the whole call (`FETCH_TIMEOUT`), and
 * `maxResponseBytes` the answer (`FETCH_TOO_LARGE`).
 *
 * @example
 * ```ts
 * const fetcher = createHttpFetcher({ endpointBaseUrl: 'https://img.example.com/pixstore-image', timeoutMs: 10_000 })
 * initPixstoreFrontend({}, fetcher)
 * ```
 */
export function createHttpFetcher(options: HttpFetcherOptions): ImageFetcher<{ signal?: AbortSignal } | undefined> {
  const base = options.endpointBaseUrl.replace(/\/+$/, '')
  const retries = options.retries ?? 2
  const retryDelayMs = options.retryDelayMs ?? 100
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
  const timeoutMs = options.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS
  return async (record, context) => {
    const signal = signalOf(context)
    const url = imageUrl(base, record.id)
    const headers: Record<string, string> = { [TOKEN_HEADER]: String(record.token) }
    if (record.statelessProof) headers[PROOF_HEADER] = record.statelessProof
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
          const response = await fetch(url, { method: 'GET', headers, signal: combined.signal, credentials: 'same-origin' })
          if (!response.ok) {
            await response.body?.cancel().catch(() => {})
            // An HTTP error is the server's answer, not a network failure: no retry.
            throw new PixstoreError('FETCH_FAILED', `image endpoint answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`)
          }
          return await readCappedBody(response, maxResponseBytes)
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
}
