// The node:http request handler behind the built-in endpoint and the Express adapter. It answers
// 200 + a wire frame for every GET on the route (error states inside), 404 off the route, 405 for
// other methods, and never lets an exception escape (a failure becomes InternalError or a 4xx).
import type { IncomingMessage, ServerResponse } from 'node:http'
import { PROOF_HEADER, TOKEN_HEADER } from '../../shared/protocol.js'
import { readyState } from '../backend-state.js'
import { frameLength, internalErrorFrame, type Frame } from '../serve/frame.js'
import { ALLOWED_METHODS, corsHeaders, decodeIdSegment, frameHeaders, preflightHeaders, tokenFromQuery } from '../serve/http-fields.js'
import { serveImage } from '../serve/serve-image.js'

/** Options of {@link createHttpHandler}. */
export interface HttpHandlerOptions {
  /** Route prefix, e.g. `/pixstore-image`; `''` when a framework has already stripped the mount path. */
  route: string
  /** CORS origin to allow; none by default. */
  allowOrigin?: string | undefined
  /** A scope the proofs must carry (custom setups); may return a Promise. The built-in endpoint uses none. */
  scope?: ((req: IncomingMessage) => unknown) | undefined
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

/** Answers a CORS preflight (204); CORS headers only when an origin is configured. */
export function answerPreflight(res: ServerResponse, allowOrigin: string | undefined): void {
  res.writeHead(204, { ...preflightHeaders(allowOrigin), 'content-length': 0 })
  res.end()
}

/** 405 with the Allow header. */
export function answerMethodNotAllowed(res: ServerResponse, allowOrigin: string | undefined): void {
  plain(res, 405, 'Method not allowed', { allow: ALLOWED_METHODS, ...corsHeaders(allowOrigin) })
}

/**
 * Creates a `(req, res)` handler serving `GET {route}/{id}`.
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
      if (req.method !== 'GET') return answerMethodNotAllowed(res, allowOrigin)
      const rawId = path.length > prefix.length ? path.slice(prefix.length) : ''
      serveImageRequest(req, res, decodeIdSegment(rawId), q === -1 ? undefined : url.slice(q + 1), options)
    } catch {
      if (!res.headersSent) plain(res, 400, 'Bad request')
      else res.destroy()
    }
  }
}
