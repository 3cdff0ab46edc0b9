// The default fetcher: one GET per image to the Pixstore endpoint, which answers 200 with a wire
// payload even for errors (the state byte says what happened). Only network failures are retried:
// a wire error state is an answer, and asking again would give the same one.
import { PixstoreError } from '../../shared/errors.js'
import type { ImageFetcher } from '../../types/index.js'
import { abortedError, signalOf, sleep } from './abort.js'

export interface HttpFetcherOptions {
  /** `https://host/route` or a same-origin `/route`; the id is appended URL-encoded. */
  endpointBaseUrl: string
  /** Retries after a network error (so at most `retries + 1` requests). */
  retries?: number
  /** First retry delay in ms; each next one doubles. */
  retryDelayMs?: number
}

/**
 * Builds the fetcher getImage uses when none is given. `context.signal` (an AbortSignal) cancels the
 * request and any pending retry.
 *
 * @example
 * ```ts
 * const fetcher = createHttpFetcher({ endpointBaseUrl: 'https://img.example.com/pixstore-image' })
 * initPixstoreFrontend({}, fetcher)
 * ```
 */
export function createHttpFetcher(options: HttpFetcherOptions): ImageFetcher<{ signal?: AbortSignal } | undefined> {
  const base = options.endpointBaseUrl.replace(/\/+$/, '')
  const retries = options.retries ?? 2
  const retryDelayMs = options.retryDelayMs ?? 100
  return async (record, context) => {
    const signal = signalOf(context)
    let url: string
    try {
      // Resolve once: a relative base needs a page (location); an unusable URL is not worth retrying.
      url = new URL(`${base}/${encodeURIComponent(record.id)}`, (globalThis as { location?: { href: string } }).location?.href).href
    } catch (cause) {
      throw new PixstoreError('FETCH_FAILED', `endpoint URL ${JSON.stringify(base)} cannot be resolved here; set endpointBaseUrl`, { cause })
    }
    const headers: Record<string, string> = { 'x-pixstore-token': String(record.token) }
    if (record.statelessProof) headers['x-pixstore-proof'] = record.statelessProof
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw abortedError(signal)
      let response: Response
      let body: ArrayBuffer
      try {
        response = await fetch(url, { method: 'GET', headers, signal: signal ?? null, credentials: 'same-origin' })
        if (!response.ok) {
          // An HTTP error is the server's answer, not a network failure: no retry.
          throw new PixstoreError('FETCH_FAILED', `image endpoint answered HTTP ${response.status}`)
        }
        body = await response.arrayBuffer()
      } catch (error) {
        if (error instanceof PixstoreError) throw error
        if (signal?.aborted) throw abortedError(signal)
        if (attempt >= retries) {
          throw new PixstoreError('FETCH_FAILED', `image request failed after ${attempt + 1} attempt(s)`, { cause: error })
        }
        await sleep(retryDelayMs * 2 ** attempt, signal)
        continue
      }
      return new Uint8Array(body)
    }
  }
}
