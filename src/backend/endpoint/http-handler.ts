// The node:http shell over the serving core (serve/http-exchange.ts), behind the built-in endpoint
// and the Express adapter. It answers 200 + a wire frame for every GET on the route (error states
// inside), 200 + a batch container for a POST on the route itself, 401/403 when `authorize` denies,
// 404 off the route, 405 for other methods, and never lets an exception escape (a failure becomes
// InternalError or a 4xx/500).
import type { IncomingMessage, ServerResponse } from 'node:http'
import { PROOF_HEADER, TOKEN_HEADER, TOKEN_QUERY_PARAM, VARIANT_QUERY_PARAM } from '../../shared/protocol.js'
import { answerBatchRequest, answerImageRequest, type BatchBody, type HttpExchange, type HttpServeContext } from '../serve/http-exchange.js'
import { ALLOWED_METHODS, corsHeaders, decodeIdSegment, frameHeaders, preflightHeaders, queryValue, ROUTE_METHODS } from '../serve/http-fields.js'
import type { ServedEvent, ServeHooks } from '../serve/serve-hooks.js'
import { readRequestBody } from './read-request-body.js'

/** Options of {@link createHttpHandler}. */
export interface HttpHandlerOptions extends ServeHooks<IncomingMessage> {
  /** Route prefix, e.g. `/pixstore-image`; `''` when a framework has already stripped the mount path. */
  route: string
  /** CORS origin to allow; none by default. */
  allowOrigin?: string | undefined
  /** A scope the proofs must carry (custom setups); may return a Promise. Exclusive with `authorize`. */
  scope?: ((req: IncomingMessage) => unknown) | undefined
  /** Batch limits; each defaults to the backend config's key of the same name. */
  maxBatchItems?: number | undefined
  maxBatchRequestBytes?: number | undefined
  /** Who serves, for the served events. Default `'endpoint'`. */
  transport?: ServedEvent['transport'] | undefined
}

/** What the request-level functions below need from the handler's options. */
export type ServeOptions = Omit<HttpHandlerOptions, 'route'>

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

function plain(res: ServerResponse, status: number, text: string, extra?: Record<string, string>): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), ...extra })
  res.end(text)
}

const contextOf = (options: ServeOptions): HttpServeContext<IncomingMessage> => ({
  transport: options.transport ?? 'endpoint',
  hooks: { authorize: options.authorize, onServed: options.onServed },
  scope: options.scope,
  maxBatchItems: options.maxBatchItems,
  maxBatchRequestBytes: options.maxBatchRequestBytes,
})

/**
 * Writes an exchange's answer: wire parts (frame headers and stored ciphertexts, none copied: every
 * response of one version writes the same buffer) corked into one vectored write, or a text refusal.
 * `done` runs once the response closed (written, or the client went away).
 */
function writeExchange(res: ServerResponse, { answer, done }: HttpExchange, allowOrigin: string | undefined): void {
  if (res.destroyed || res.headersSent) return done()
  res.once('close', done)
  if (answer.status === 0) return void res.destroy()
  if (answer.status !== 200) {
    // A refusal sent before the body was read whole also closes the connection: the rest of the body
    // is never read (node would otherwise drain it to reuse the connection).
    return plain(res, answer.status, answer.text, answer.close ? { connection: 'close', ...corsHeaders(allowOrigin) } : corsHeaders(allowOrigin))
  }
  res.writeHead(200, frameHeaders(answer.length, allowOrigin))
  res.cork()
  for (const part of answer.parts) res.write(part)
  res.end()
}

function failed(res: ServerResponse, allowOrigin: string | undefined): void {
  if (!res.headersSent) plain(res, 500, 'Internal error', { connection: 'close', ...corsHeaders(allowOrigin) })
  else res.destroy()
}

/**
 * Answers one GET for image `id` with a wire frame (proof from `x-pixstore-proof`, token from
 * `x-pixstore-token` or `?token=`, variant from `?variant=`), after `authorize`. Shared by the
 * built-in endpoint and the Express adapter.
 */
export function serveImageRequest(req: IncomingMessage, res: ServerResponse, id: string, query: string | undefined, options: ServeOptions): void {
  answerImageRequest(contextOf(options), req, {
    id,
    token: firstHeader(req.headers[TOKEN_HEADER]) ?? queryValue(query, TOKEN_QUERY_PARAM),
    proof: firstHeader(req.headers[PROOF_HEADER]),
    variant: queryValue(query, VARIANT_QUERY_PARAM),
  })
    .then((exchange) => writeExchange(res, exchange, options.allowOrigin))
    .catch(() => failed(res, options.allowOrigin))
}

type BodyCarrier = IncomingMessage & { body?: unknown; _body?: boolean }

function batchBody(req: IncomingMessage): BatchBody {
  const carrier = req as BodyCarrier
  if (req.readableEnded || carrier._body === true) {
    // A body parser (express.json()) got there first: take its result, under its own size limit.
    if (carrier.body === undefined) return { read: async () => ({ ok: false, reason: 'consumed' }) }
    return { parsed: carrier.body }
  }
  return { read: (maxBytes) => readRequestBody(req, maxBytes) }
}

/**
 * Answers one batch request (`POST {route}`, JSON body) with a container of frames, 400/413/415 for
 * a request that is not one, after `authorize`. Shared by the built-in endpoint and the Express adapter.
 */
export function serveBatchRequest(req: IncomingMessage, res: ServerResponse, options: ServeOptions): void {
  answerBatchRequest(contextOf(options), req, firstHeader(req.headers['content-type']), batchBody(req))
    .then((exchange) => writeExchange(res, exchange, options.allowOrigin))
    .catch(() => failed(res, options.allowOrigin))
}

/** Answers a CORS preflight (204); CORS headers only when an origin is configured. */
export function answerPreflight(res: ServerResponse, allowOrigin: string | undefined): void {
  res.writeHead(204, { ...preflightHeaders(allowOrigin), 'content-length': 0 })
  res.end()
}

/** 405 with the Allow header. */
export function answerMethodNotAllowed(res: ServerResponse, allowOrigin: string | undefined, allow: string = ALLOWED_METHODS): void {
  plain(res, 405, 'Method not allowed', { allow, ...corsHeaders(allowOrigin) })
}

/**
 * Creates a `(req, res)` handler serving `GET {route}/{id}` and the batch request `POST {route}`.
 *
 * @example
 * ```ts
 * http.createServer(createHttpHandler({ route: '/pixstore-image' })).listen(3001, '127.0.0.1')
 * ```
 */
export function createHttpHandler(options: HttpHandlerOptions) {
  const { route, allowOrigin } = options
  const prefix = route + '/'
  return function pixstoreHttpHandler(req: IncomingMessage, res: ServerResponse): void {
    // A client that goes away mid-response must not become an unhandled 'error' event.
    res.on('error', () => {})
    req.on('error', () => {})
    try {
      const url = req.url ?? '/'
      const q = url.indexOf('?')
      const path = q === -1 ? url : url.slice(0, q)
      const onRoute = path === route || path.startsWith(prefix) || (route === '' && path === '/')
      if (!onRoute) return plain(res, 404, 'Not found')
      if (req.method === 'OPTIONS') return answerPreflight(res, allowOrigin)
      const isRoute = path === route || (route === '' && path === '/')
      if (req.method === 'POST' && isRoute) return serveBatchRequest(req, res, options)
      if (req.method !== 'GET') return answerMethodNotAllowed(res, allowOrigin, isRoute ? ROUTE_METHODS : ALLOWED_METHODS)
      const rawId = path.length > prefix.length ? path.slice(prefix.length) : ''
      serveImageRequest(req, res, decodeIdSegment(rawId), q === -1 ? undefined : url.slice(q + 1), options)
    } catch {
      if (!res.headersSent) plain(res, 400, 'Bad request')
      else res.destroy()
    }
  }
}
