// The node:http request handler behind the built-in endpoint and the Express adapter. It answers
// 200 + a wire frame for every GET on the route (error states inside), 200 + a batch container for a
// POST on the route itself, 404 off the route, 405 for other methods, and never lets an exception
// escape (a failure becomes InternalError or a 4xx).
import type { IncomingMessage, ServerResponse } from 'node:http'
import { PROOF_HEADER, TOKEN_HEADER } from '../../shared/protocol.js'
import { readyState } from '../backend-state.js'
import { DEFAULT_BACKEND_CONFIG } from '../config/backend-config.js'
import { checkBatchRequest, isJsonContentType, parseBatchRequest, type BatchRequestResult } from '../serve/batch-request.js'
import { frameLength, internalErrorFrame, type Frame } from '../serve/frame.js'
import { ALLOWED_METHODS, corsHeaders, decodeIdSegment, frameHeaders, preflightHeaders, ROUTE_METHODS, tokenFromQuery } from '../serve/http-fields.js'
import { serveImage } from '../serve/serve-image.js'
import { batchParts, serveImageBatch, type ServedBatch } from '../serve/serve-image-batch.js'
import { readRequestBody } from './read-request-body.js'

/** Options of {@link createHttpHandler}. */
export interface HttpHandlerOptions {
  /** Route prefix, e.g. `/pixstore-image`; `''` when a framework has already stripped the mount path. */
  route: string
  /** CORS origin to allow; none by default. */
  allowOrigin?: string | undefined
  /** A scope the proofs must carry (custom setups); may return a Promise. The built-in endpoint uses none. */
  scope?: ((req: IncomingMessage) => unknown) | undefined
  /** Batch limits; each defaults to the backend config's key of the same name. */
  maxBatchItems?: number | undefined
  maxBatchRequestBytes?: number | undefined
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

function plain(res: ServerResponse, status: number, text: string, extra?: Record<string, string>): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), ...extra })
  res.end(text)
}

/**
 * Writes a frame: header and stored ciphertext as two corked chunks. Neither is copied: every
 * response of one version writes the same ciphertext buffer.
 */
export function writeFrame(res: ServerResponse, frame: Frame, allowOrigin: string | undefined): void {
  res.writeHead(200, frameHeaders(frameLength(frame), allowOrigin))
  if (frame.body && frame.body.length > 0) {
    res.cork()
    res.write(frame.header)
    res.end(frame.body)
  } else {
    res.end(frame.header)
  }
}

/**
 * Answers one GET for image `id` with a wire frame (proof from `x-pixstore-proof`, token from
 * `x-pixstore-token` or `?token=`). Shared by the built-in endpoint and the Express adapter.
 */
export function serveImageRequest(
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  query: string | undefined,
  options: Pick<HttpHandlerOptions, 'allowOrigin' | 'scope'>,
): void {
  const scopeOf = options.scope
  serveImage(readyState(), {
    id,
    token: firstHeader(req.headers[TOKEN_HEADER]) ?? tokenFromQuery(query),
    proof: firstHeader(req.headers[PROOF_HEADER]),
    resolveScope: scopeOf ? () => scopeOf(req) : undefined,
  })
    .then((frame) => {
      if (!res.destroyed && !res.headersSent) writeFrame(res, frame, options.allowOrigin)
    })
    .catch((e) => {
      if (!res.headersSent) writeFrame(res, internalErrorFrame(e), options.allowOrigin)
      else res.destroy()
    })
}

/**
 * Writes a batch container: directory, then each frame's header and stored ciphertext, corked into
 * one vectored write. Nothing is copied: N items of one version write its one buffer N times.
 */
export function writeBatch(res: ServerResponse, served: ServedBatch, allowOrigin: string | undefined): void {
  res.writeHead(200, frameHeaders(served.length, allowOrigin))
  res.cork()
  for (const part of batchParts(served)) res.write(part)
  res.end()
}

// A refusal sent before the body was read whole also closes the connection: the rest of the body
// is never read (node would otherwise drain it to reuse the connection).
function refuseBatch(res: ServerResponse, status: number, text: string, allowOrigin: string | undefined, unread: boolean): void {
  if (res.headersSent || res.destroyed) return
  plain(res, status, text, unread ? { connection: 'close', ...corsHeaders(allowOrigin) } : corsHeaders(allowOrigin))
}

type BodyCarrier = IncomingMessage & { body?: unknown; _body?: boolean }

async function batchRequest(req: IncomingMessage, res: ServerResponse, options: BatchOptions): Promise<void> {
  const { allowOrigin } = options
  if (!isJsonContentType(firstHeader(req.headers['content-type']))) {
    return refuseBatch(res, 415, 'A batch request is application/json', allowOrigin, true)
  }
  const state = readyState()
  // An uninitialised backend still answers in shape (every item InternalError, as a GET would).
  const config = await state.then((s) => s.config, () => DEFAULT_BACKEND_CONFIG)
  const maxItems = options.maxBatchItems ?? config.maxBatchItems
  const maxBytes = options.maxBatchRequestBytes ?? config.maxBatchRequestBytes
  let parsed: BatchRequestResult
  const carrier = req as BodyCarrier
  if (req.readableEnded || carrier._body === true) {
    // A body parser (express.json()) got there first: take its result, under its own size limit.
    if (carrier.body === undefined) return refuseBatch(res, 400, 'The request body was already consumed', allowOrigin, false)
    parsed = checkBatchRequest(carrier.body, maxItems)
  } else {
    const body = await readRequestBody(req, maxBytes)
    if (!body.ok) {
      if (body.reason === 'too-large') return refuseBatch(res, 413, `A batch request body is at most ${maxBytes} bytes`, allowOrigin, true)
      return void res.destroy()
    }
    parsed = parseBatchRequest(body.bytes, maxItems)
  }
  if (!parsed.ok) return refuseBatch(res, parsed.status, parsed.message, allowOrigin, false)
  const scopeOf = options.scope
  const served = await serveImageBatch(state, parsed.items, scopeOf ? { resolveScope: () => scopeOf(req) } : {})
  if (!res.destroyed && !res.headersSent) writeBatch(res, served, allowOrigin)
}

/** What {@link serveBatchRequest} needs from the handler's options. */
export type BatchOptions = Pick<HttpHandlerOptions, 'allowOrigin' | 'scope' | 'maxBatchItems' | 'maxBatchRequestBytes'>

/**
 * Answers one batch request (`POST {route}`, JSON body) with a container of frames, 400/413/415 for
 * a request that is not one. Shared by the built-in endpoint and the Express adapter.
 */
export function serveBatchRequest(req: IncomingMessage, res: ServerResponse, options: BatchOptions): void {
  batchRequest(req, res, options).catch(() => {
    if (!res.headersSent) plain(res, 500, 'Internal error', { connection: 'close', ...corsHeaders(options.allowOrigin) })
    else res.destroy()
  })
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
