// `pixstore/frontend/websocket`: an ImageFetcher over one WebSocket to a server using
// `serveImagesOverWebSocket` (pixstore/backend/websocket). Every call is one request on the shared
// connection (message format: src/shared/websocket-protocol.ts), answered with the same wire frame as
// HTTP, so the cache, the proofs and the decryption behave identically. Kept out of
// `pixstore/frontend` so pages that fetch over HTTP do not ship it.
import { PixstoreError } from '../../shared/errors.js'
import { WS_MAX_REQUEST_ID, WS_REQUEST_ID_BYTES, WsCloseCode, type WsRequestMessage } from '../../shared/websocket-protocol.js'
import type { ImageFetchRequest, ImageRecord } from '../../types/index.js'
import { causeText } from '../cause-text.js'
import { abortedError, signalOf, sleep } from './abort.js'
import { DEFAULT_FETCH_TIMEOUT_MS, DEFAULT_MAX_RESPONSE_BYTES } from './fetch-limits.js'

/** The part of the WebSocket API the fetcher uses (the browser's, or `ws`'s in Node). */
export interface WebSocketLike {
  readonly readyState: number
  binaryType: string
  send(data: string): void
  close(code?: number, reason?: string): void
  addEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (event: any) => void): void
}

/** A WebSocket constructor: `globalThis.WebSocket` in browsers, `WebSocket` from `ws` in Node. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike

/** Options of {@link createWebSocketFetcher}. */
export interface WebSocketFetcherOptions<Context = unknown> {
  /**
   * `wss://host/path`, or a path (`/pixstore-ws`) resolved against the page (http → ws, https →
   * wss). A function is called at each (re)connection, e.g. to put a fresh short-lived ticket in the
   * query: a browser WebSocket cannot send headers.
   */
  url: string | (() => string | Promise<string>)
  /** Subprotocols to offer. */
  protocols?: string | string[]
  /** The WebSocket class. Default `globalThis.WebSocket`. */
  WebSocket?: WebSocketConstructor
  /** Deadline of one call in ms, connecting included (`FETCH_TIMEOUT`). Default 30 s. */
  timeoutMs?: number
  /** Largest answer accepted, in bytes of frame (`FETCH_TOO_LARGE`). Default: the largest frame a default backend sends. */
  maxResponseBytes?: number
  /** Connection attempts one call makes before `FETCH_FAILED` (with backoff between). Default 3. */
  connectAttempts?: number
  /** Wait before the first reconnection after a failed one, in ms; doubles each time. Default 250. */
  reconnectDelayMs?: number
  /** Longest wait between connection attempts, in ms. Default 10 s. */
  maxReconnectDelayMs?: number
  /**
   * Extra data for the server's `authorize` hook, from the getImage context (the WebSocket analogue
   * of custom headers): sent as the request's `app` field. Must be JSON-serialisable.
   */
  requestFields?: (record: ImageRecord, context: Context | undefined, request: ImageFetchRequest | undefined) => unknown
}

/** What {@link createWebSocketFetcher} returns: an ImageFetcher with a `close`. */
export interface WebSocketFetcher<Context = unknown> {
  (record: ImageRecord, context?: Context, request?: ImageFetchRequest): Promise<Uint8Array>
  /** Closes the connection; calls waiting for an answer fail `FETCH_ABORTED`. A later call reconnects. */
  close(): void
}

interface Pending {
  resolve(bytes: Uint8Array): void
  reject(error: PixstoreError): void
}

const OPEN = 1

function positive(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new PixstoreError('CONFIG_INVALID', `${name} must be an integer of at least ${min}`)
  }
  return value
}

function resolveUrl(url: string): string {
  const page = (globalThis as { location?: { href: string } }).location?.href
  let resolved: URL
  try {
    resolved = new URL(url, page)
  } catch (cause) {
    throw new PixstoreError('FETCH_FAILED', `WebSocket URL ${JSON.stringify(url)} cannot be resolved here (${causeText(cause)})`, { cause })
  }
  if (resolved.protocol === 'http:') resolved.protocol = 'ws:'
  else if (resolved.protocol === 'https:') resolved.protocol = 'wss:'
  if (resolved.protocol !== 'ws:' && resolved.protocol !== 'wss:') {
    throw new PixstoreError('FETCH_FAILED', `WebSocket URL must be ws:, wss: or a path (got ${resolved.protocol})`)
  }
  return resolved.href
}

/**
 * An ImageFetcher for `initPixstoreFrontend` that asks over one shared WebSocket. It connects on
 * the first call, reconnects (with backoff after a failed attempt) when a later call finds it
 * closed, and multiplexes: concurrent calls are concurrent requests, answered in any order (getImage
 * already makes one call per concurrent miss of an image). Each call is bounded in time
 * (`timeoutMs`, `FETCH_TIMEOUT`) and answer size (`maxResponseBytes`, `FETCH_TOO_LARGE`; a browser
 * WebSocket delivers whole messages, so the cap is checked on arrival), cancelled by `context.signal`
 * (`FETCH_ABORTED`). When the connection drops, every call waiting for an answer fails `FETCH_FAILED`
 * (the next call reconnects); a request or connection the server denied fails `FETCH_FAILED` naming
 * the status.
 *
 * @example
 * ```ts
 * import { initPixstoreFrontend, getImageUrl } from 'pixstore/frontend'
 * import { createWebSocketFetcher } from 'pixstore/frontend/websocket'
 * initPixstoreFrontend({}, createWebSocketFetcher({ url: '/pixstore-ws', timeoutMs: 10_000 }))
 * const handle = await getImageUrl(record)
 * ```
 */
export function createWebSocketFetcher<Context = unknown>(options: WebSocketFetcherOptions<Context>): WebSocketFetcher<Context> {
  if (options === null || typeof options !== 'object') throw new PixstoreError('CONFIG_INVALID', 'createWebSocketFetcher options must be an object')
  const url = options.url
  if (typeof url !== 'function' && (typeof url !== 'string' || url === '')) throw new PixstoreError('CONFIG_INVALID', 'url must be a non-empty string or a function')
  const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket
  if (typeof Ctor !== 'function') throw new PixstoreError('CONFIG_INVALID', 'no WebSocket here: pass options.WebSocket (e.g. the class from `ws` in Node)')
  const timeoutMs = positive('timeoutMs', options.timeoutMs, DEFAULT_FETCH_TIMEOUT_MS)
  const maxResponseBytes = positive('maxResponseBytes', options.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES)
  const connectAttempts = positive('connectAttempts', options.connectAttempts, 3)
  const reconnectDelayMs = positive('reconnectDelayMs', options.reconnectDelayMs, 250, 0)
  const maxReconnectDelayMs = positive('maxReconnectDelayMs', options.maxReconnectDelayMs, 10_000, 0)
  const requestFields = options.requestFields
  if (requestFields !== undefined && typeof requestFields !== 'function') throw new PixstoreError('CONFIG_INVALID', 'requestFields must be a function')

  let socket: WebSocketLike | null = null
  let opening: Promise<WebSocketLike> | null = null
  let failures = 0 // consecutive failed connection attempts: the backoff exponent
  let nextId = 0
  const pending = new Map<number, Pending>()

  const failAll = (error: PixstoreError) => {
    const waiting = [...pending.values()]
    pending.clear()
    for (const p of waiting) p.reject(error)
  }

  const onMessage = (event: { data: unknown }) => {
    const data = event.data
    if (typeof data === 'string') {
      let message: { r?: unknown; status?: unknown; reason?: unknown } | null = null
      try {
        message = JSON.parse(data)
      } catch {}
      const p = typeof message?.r === 'number' ? pending.get(message.r) : undefined
      if (!p) return
      pending.delete(message!.r as number)
      const reason = typeof message!.reason === 'string' ? `: ${message!.reason.slice(0, 200)}` : ''
      return p.reject(new PixstoreError('FETCH_FAILED', `image server denied the request (${String(message!.status)}${reason})`))
    }
    if (!(data instanceof ArrayBuffer) || data.byteLength < WS_REQUEST_ID_BYTES) return
    const r = new DataView(data).getUint32(0, true)
    const p = pending.get(r)
    if (!p) return // aborted or timed out: its late answer is dropped
    pending.delete(r)
    const length = data.byteLength - WS_REQUEST_ID_BYTES
    if (length > maxResponseBytes) return p.reject(new PixstoreError('FETCH_TOO_LARGE', `image server answered ${length} bytes, over maxResponseBytes (${maxResponseBytes})`))
    p.resolve(new Uint8Array(data, WS_REQUEST_ID_BYTES))
  }

  const openOnce = async (): Promise<WebSocketLike> => {
    const target = resolveUrl(typeof url === 'function' ? await url() : url)
    return new Promise((resolve, reject) => {
      let ws: WebSocketLike
      try {
        ws = new Ctor(target, options.protocols)
      } catch (cause) {
        return reject(new PixstoreError('FETCH_FAILED', `WebSocket could not be created (${causeText(cause)})`, { cause }))
      }
      ws.binaryType = 'arraybuffer'
      let opened = false
      ws.addEventListener('open', () => {
        opened = true
        resolve(ws)
      })
      ws.addEventListener('message', (event) => {
        if (socket === ws) onMessage(event)
      })
      ws.addEventListener('error', () => {}) // a close event always follows; it carries the code
      ws.addEventListener('close', (event: { code?: number; reason?: string }) => {
        const code = event.code ?? 0
        const denied = code === WsCloseCode.Unauthorized || code === WsCloseCode.Forbidden
        const why = denied ? `the image server refused the connection (${code === WsCloseCode.Unauthorized ? 401 : 403}${event.reason ? `: ${event.reason}` : ''})` : `WebSocket closed (code ${code}${event.reason ? `: ${event.reason}` : ''})`
        const error = Object.assign(new PixstoreError('FETCH_FAILED', opened ? `${why} before the answer came` : why), { denied })
        if (!opened) return reject(error)
        if (socket === ws) {
          socket = null
          failAll(error)
        }
      })
    })
  }

  // One connection attempt shared by every call waiting for it, after the backoff the failures so far
  // ask for.
  const connect = (): Promise<WebSocketLike> => {
    if (socket && socket.readyState === OPEN) return Promise.resolve(socket)
    if (!opening) {
      opening = (async () => {
        if (failures > 0) await sleep(Math.min(reconnectDelayMs * 2 ** (failures - 1), maxReconnectDelayMs), undefined)
        try {
          const ws = await openOnce()
          failures = 0
          socket = ws
          return ws
        } catch (error) {
          failures++
          throw error
        }
      })().finally(() => {
        opening = null
      })
    }
    return opening
  }

  const fetcher = (async (record: ImageRecord, context?: Context, request?: ImageFetchRequest): Promise<Uint8Array> => {
    const signal = signalOf(context)
    if (signal?.aborted) throw abortedError(signal)
    const message: WsRequestMessage = { r: 0, id: record.id, token: record.token ?? null, proof: record.statelessProof ?? '' }
    if (request?.variant !== undefined) message.variant = request.variant
    if (requestFields) message.app = requestFields(record, context, request)

    let r = -1
    let mine: Pending | undefined
    let stop!: (error: PixstoreError) => void
    const stopped = new Promise<never>((_, reject) => (stop = reject))
    stopped.catch(() => {})
    const timer = setTimeout(() => stop(new PixstoreError('FETCH_TIMEOUT', `image request took longer than timeoutMs (${timeoutMs} ms), connecting included`)), timeoutMs)
    const onAbort = () => stop(abortedError(signal))
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      let ws: WebSocketLike | undefined
      for (let attempt = 1; !ws; attempt++) {
        try {
          ws = await Promise.race([connect(), stopped])
        } catch (error) {
          const last = attempt >= connectAttempts || (error as { denied?: boolean }).denied || (error instanceof PixstoreError && error.code !== 'FETCH_FAILED')
          if (last) throw error
        }
      }
      const answer = new Promise<Uint8Array>((resolve, reject) => {
        // The next id not in use (ids wrap at 2^32; one connection never holds that many).
        do nextId = nextId >= WS_MAX_REQUEST_ID ? 0 : nextId + 1
        while (pending.has(nextId))
        r = nextId
        pending.set(r, (mine = { resolve, reject }))
      })
      answer.catch(() => {}) // a drop may reject it after the deadline already settled the call
      message.r = r
      try {
        ws.send(JSON.stringify(message))
      } catch (cause) {
        pending.delete(r)
        throw new PixstoreError('FETCH_FAILED', `image request could not be sent (${causeText(cause)})`, { cause })
      }
      return await Promise.race([answer, stopped])
    } finally {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      if (r !== -1 && pending.get(r) === mine) pending.delete(r)
    }
  }) as WebSocketFetcher<Context>

  fetcher.close = () => {
    const ws = socket
    socket = null
    failAll(new PixstoreError('FETCH_ABORTED', 'the WebSocket fetcher was closed'))
    ws?.close(1000, 'closed by the client')
  }
  return fetcher
}
