// `pixstore/backend/websocket`: serves images over the application's own `ws` WebSocketServer, many
// requests multiplexed on one connection (message format: src/shared/websocket-protocol.ts). Every
// request goes through the one serving core (serveImage), so proofs, scopes and wire states are those
// of HTTP. `ws` is never imported at runtime: the application hands its server over, and this module
// only uses its types.
import type { IncomingMessage } from 'node:http'
import type { WebSocket, WebSocketServer } from 'ws'
import { configFunction, configInteger, readConfig } from '../../shared/config-reader.js'
import {
  WS_DEFAULT_MAX_MESSAGE_BYTES,
  WS_MAX_REQUEST_ID,
  WS_REQUEST_ID_BYTES,
  WsCloseCode,
  type WsDeniedMessage,
} from '../../shared/websocket-protocol.js'
import { PixstoreError } from '../../shared/errors.js'
import { readyState } from '../backend-state.js'
import { internalErrorFrame, type Frame } from '../serve/frame.js'
import { admitRequest, checkDecision, readServeHooks, reportServed, type AuthorizeDecision, type RefusedRequest, type ServedEvent, type ServedItem } from '../serve/serve-hooks.js'
import { serveImage } from '../serve/serve-image.js'

/** What the connection hook decides for one upgrade request. */
export type WebSocketConnectionDecision<Context = unknown> =
  /** Accept; `context` is handed to `authorize` with each request, `scope` is the proof scope of every
   *  request when there is no `authorize` (absent = no scope). */
  | { allow: true; context?: Context; scope?: string }
  /** Close the connection with 4401 / 4403 and the reason. */
  | { allow: false; status: 401 | 403; reason?: string }

/** One image request as `authorize` sees it (never the proof: it is checked after). */
export interface WebSocketImageRequest<Context = unknown> {
  /** The requested id, as the client sent it (not yet checked). */
  id: unknown
  /** The variant name asked for, or `undefined` for the original. */
  variant: string | undefined
  /** The request's `app` field: whatever the client's `requestFields` put there (untrusted). */
  app: unknown
  /** The connection hook's `context`. */
  context: Context | undefined
  /** The HTTP upgrade request of the connection (headers, cookies, url). */
  upgrade: IncomingMessage
}

/** Options of {@link serveImagesOverWebSocket}. */
export interface WebSocketServeOptions<Context = unknown> {
  /** Runs once per connection, before any of its requests is served. Default: allow, no scope. */
  authorizeConnection?: (upgrade: IncomingMessage) => WebSocketConnectionDecision<Context> | Promise<WebSocketConnectionDecision<Context>>
  /** Runs per request: a scope, or a denial (a `denied` text answer, nothing read from storage). */
  authorize?: (request: WebSocketImageRequest<Context>) => AuthorizeDecision | Promise<AuthorizeDecision>
  /** Called once per request after its answer was written (or failed); a throw is swallowed. */
  onServed?: (event: ServedEvent) => void
  /** Largest request message (bytes); a larger one closes the connection with 1009. Default 4096. */
  maxMessageBytes?: number
  /** Requests served at once per connection; an answer counts until the socket took it. Default 8. */
  maxInFlight?: number
  /** Requests read but not yet started per connection; past it the socket stops reading. Default 64. */
  maxQueued?: number
  /** No new request starts while the connection holds more unsent bytes than this. Default 1 MiB. */
  maxBufferedBytes?: number
}

/** What {@link serveImagesOverWebSocket} returns. */
export interface WebSocketServing {
  /** Stops taking new connections (open ones keep being served until they close). */
  detach(): void
}

interface QueuedRequest {
  r: number
  message: Record<string, unknown>
  received: number
}

const OPEN = 1 // WebSocket.OPEN, without importing ws
const REASON_MAX = 123 // bytes a close reason may take (RFC 6455: 125 minus the code)
const DENIED_REASON_MAX = 200 // characters of a denial's reason sent to the client

/** `text` cut to at most `max` UTF-8 bytes, on a character boundary. */
function fitBytes(text: string, max: number): string {
  let out = text.slice(0, max)
  while (Buffer.byteLength(out) > max) out = out.slice(0, -1)
  return out
}

/**
 * Serves Pixstore images on every connection of `server` (a `ws` WebSocketServer the application
 * created, on its own HTTP server and path). Requests are answered through the same core as the
 * HTTP endpoint: same proof checks, same wire frames, errors as wire states, never a throw. Each
 * connection is bounded: at most `maxInFlight` answers held, none started while the socket holds
 * more than `maxBufferedBytes` unsent, and reading stops past `maxQueued` waiting requests, so a
 * client that never reads costs a bounded amount of memory. Create the server with
 * `maxPayload: 4096` so `ws` itself refuses large messages before buffering them. Options are read
 * from own properties only; an unknown key is `CONFIG_INVALID`.
 *
 * @example
 * ```ts
 * import { WebSocketServer } from 'ws'
 * import { serveImagesOverWebSocket } from 'pixstore/backend/websocket'
 * const wss = new WebSocketServer({ server: httpServer, path: '/pixstore-ws', maxPayload: 4096 })
 * serveImagesOverWebSocket(wss, {
 *   authorizeConnection: (req) => {
 *     const user = userFromCookie(req.headers.cookie)
 *     return user ? { allow: true, context: user, scope: user.id } : { allow: false, status: 401 }
 *   },
 *   onServed: (e) => log.info('image', e.id, e.state, e.bytes, e.durationMs),
 * })
 * ```
 */
export function serveImagesOverWebSocket<Context = unknown>(server: WebSocketServer, options: WebSocketServeOptions<Context> = {}): WebSocketServing {
  const o = readConfig(
    options,
    ['authorizeConnection', 'authorize', 'onServed', 'maxMessageBytes', 'maxInFlight', 'maxQueued', 'maxBufferedBytes'] as const,
    'serveImagesOverWebSocket options',
  )
  type ConnectionHook = NonNullable<WebSocketServeOptions<Context>['authorizeConnection']>
  const authorizeConnection = o.authorizeConnection === undefined ? undefined : configFunction<ConnectionHook>('authorizeConnection', o.authorizeConnection)
  const { authorize, onServed } = readServeHooks<WebSocketImageRequest<Context>>({ authorize: o.authorize, onServed: o.onServed })
  const maxMessageBytes = o.maxMessageBytes === undefined ? WS_DEFAULT_MAX_MESSAGE_BYTES : configInteger('maxMessageBytes', o.maxMessageBytes, 64, 1 << 20)
  const maxInFlight = o.maxInFlight === undefined ? 8 : configInteger('maxInFlight', o.maxInFlight, 1, 1024)
  const maxQueued = o.maxQueued === undefined ? 64 : configInteger('maxQueued', o.maxQueued, 1, 65_536)
  const maxBufferedBytes = o.maxBufferedBytes === undefined ? 1 << 20 : configInteger('maxBufferedBytes', o.maxBufferedBytes, 0)

  const onConnection = (socket: WebSocket, upgrade: IncomingMessage): void => {
    serveConnection(socket, upgrade)
  }

  function serveConnection(socket: WebSocket, upgrade: IncomingMessage): void {
    // ws reports protocol errors (bad frames, maxPayload) as 'error' and then closes: never a crash.
    socket.on('error', () => {})
    const queue: QueuedRequest[] = []
    const inUse = new Set<number>()
    let running = 0
    let paused = false
    let closed = false
    let accepted: { context: Context | undefined; scope: string | undefined } | null = null
    let retry: ReturnType<typeof setTimeout> | null = null

    const close = (code: number, reason: string) => {
      if (closed) return
      closed = true
      queue.length = 0
      socket.close(code, fitBytes(reason, REASON_MAX))
    }

    const pump = (): void => {
      if (closed || !accepted) return
      while (queue.length > 0 && running < maxInFlight && socket.bufferedAmount <= maxBufferedBytes) start(queue.shift()!)
      if (paused && queue.length < maxQueued) {
        paused = false
        socket.resume()
      }
      // Over the buffer limit with nothing of ours left to complete: no write callback will call
      // pump again, so look again shortly (bytes of other writers, e.g. pings, drain on their own).
      if (queue.length > 0 && running === 0 && !retry) {
        retry = setTimeout(() => {
          retry = null
          pump()
        }, 20)
      }
    }

    const finish = (request: QueuedRequest, outcome: readonly ServedItem[] | RefusedRequest) => {
      running--
      inUse.delete(request.r)
      reportServed(onServed, { transport: 'websocket', batch: false, started: request.received }, outcome)
      pump()
    }

    const start = (request: QueuedRequest): void => {
      running++
      void answer(request)
    }

    async function answer(request: QueuedRequest): Promise<void> {
      const m = request.message
      const { id, variant } = m
      let frame: Frame
      try {
        const admission = await admitRequest(authorize, { id, variant: typeof variant === 'string' ? variant : undefined, app: m.app, context: accepted!.context, upgrade })
        if (!admission.allow && admission.status !== 500) {
          const text: WsDeniedMessage = { r: request.r, error: 'denied', status: admission.status, reason: admission.text.slice(0, DENIED_REASON_MAX) }
          const message = JSON.stringify(text)
          return send(request, [message], { status: admission.status, bytes: Buffer.byteLength(message), id, variant })
        }
        // A failed authorize (500, already warned) is a wire state here: HTTP's status has no place in a frame.
        if (!admission.allow) frame = internalErrorFrame(new PixstoreError('STATE_INTERNAL_ERROR', 'the authorize hook failed'))
        else frame = await serveImage(readyState(), { id, token: m.token, proof: m.proof, scope: authorize ? admission.scope : accepted!.scope, variant })
      } catch (e) {
        frame = internalErrorFrame(e)
      }
      const prefix = new Uint8Array(WS_REQUEST_ID_BYTES + frame.header.length)
      new DataView(prefix.buffer).setUint32(0, request.r, true)
      prefix.set(frame.header, WS_REQUEST_ID_BYTES)
      // The body is the stored ciphertext, shared: sent as a second fragment of the same message
      // rather than copied behind the prefix.
      const parts = frame.body && frame.body.length > 0 ? [prefix, frame.body] : [prefix]
      send(request, parts, [{ id, variant, frame }])
    }

    /** Sends one answer's fragments; its outcome is reported once the socket took them (or failed). */
    function send(request: QueuedRequest, parts: (Uint8Array | string)[], outcome: readonly ServedItem[] | RefusedRequest): void {
      if (closed || socket.readyState !== OPEN) return finish(request, outcome)
      const done = () => finish(request, outcome)
      try {
        // Both fragments in the same tick: nothing else can be sent between them.
        parts.forEach((part, i) => {
          const last = i === parts.length - 1
          const opts = { binary: typeof part !== 'string', fin: last }
          if (last) socket.send(part, opts, done)
          else socket.send(part, opts)
        })
      } catch {
        done()
      }
    }

    socket.on('message', (data, isBinary) => {
      if (closed) return
      const bytes = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data instanceof ArrayBuffer ? data.byteLength : data.length
      if (bytes > maxMessageBytes) return close(WsCloseCode.TooBig, `request message over ${maxMessageBytes} bytes`)
      if (isBinary) return close(WsCloseCode.Unsupported, 'request messages are JSON text')
      let message: unknown
      try {
        message = JSON.parse(Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as Buffer).toString('utf8'))
      } catch {
        return close(WsCloseCode.Malformed, 'request message is not JSON')
      }
      if (message === null || typeof message !== 'object' || Array.isArray(message)) return close(WsCloseCode.Malformed, 'request message is not a JSON object')
      const r = (message as { r?: unknown }).r
      if (typeof r !== 'number' || !Number.isInteger(r) || r < 0 || r > WS_MAX_REQUEST_ID) {
        return close(WsCloseCode.Malformed, 'request message has no valid request id "r" (u32)')
      }
      if (inUse.has(r)) return close(WsCloseCode.Policy, `request id ${r} is already in use on this connection`)
      inUse.add(r)
      queue.push({ r, message: message as Record<string, unknown>, received: performance.now() })
      if (!paused && queue.length >= maxQueued) {
        paused = true
        socket.pause()
      }
      pump()
    })
    socket.on('close', () => {
      closed = true
      queue.length = 0
      if (retry) clearTimeout(retry)
    })

    void (async () => {
      if (!authorizeConnection) return (accepted = { context: undefined, scope: undefined })
      try {
        const decision: unknown = await authorizeConnection(upgrade)
        const d = checkDecision(decision)
        if (!d) return close(WsCloseCode.Internal, 'internal error')
        if (!d.allow) {
          const reason = d.reason?.slice(0, DENIED_REASON_MAX) ?? (d.status === 401 ? 'unauthorized' : 'forbidden')
          return close(d.status === 401 ? WsCloseCode.Unauthorized : WsCloseCode.Forbidden, reason)
        }
        // Checked here, not per request: one bad scope would fail every request of the connection.
        if (d.scope !== undefined && typeof d.scope !== 'string') return close(WsCloseCode.Internal, 'internal error')
        accepted = { context: (decision as { context?: Context }).context, scope: d.scope }
      } catch {
        return close(WsCloseCode.Internal, 'internal error')
      }
    })().then(pump)
  }

  server.on('connection', onConnection)
  return {
    detach() {
      server.off('connection', onConnection)
    },
  }
}
