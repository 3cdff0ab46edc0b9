// The node:http request handler behind the built-in endpoint and the Express adapter. It answers
// 200 + a wire frame for every GET on the route (error states inside), 404 off the route, 405 for
// other methods, and never lets an exception escape (a failure becomes InternalError or a 4xx).
import type { IncomingMessage, ServerResponse } from 'node:http'
import { WireState } from '../../types/index.js'
import { readyState } from '../backend-state.js'
import { parseClientToken, wireResponse, type WireResponse } from '../images/wire-response.js'

/** Options of {@link createHttpHandler}. */
export interface HttpHandlerOptions {
  /** Route prefix, e.g. `/pixstore-image`; `''` when a framework has already stripped the mount path. */
  route: string
  /** CORS origin to allow; none by default. */
  allowOrigin?: string | undefined
  /** A scope the proofs must carry (custom setups); the built-in endpoint uses none. */
  scope?: (req: IncomingMessage) => string | undefined
}

const ALLOW_HEADERS = 'x-pixstore-proof, x-pixstore-token'

function queryToken(query: string): string | undefined {
  for (const part of query.split('&')) {
    if (part.startsWith('token=')) return part.slice(6)
  }
  return undefined
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

function decodeId(raw: string): string {
  if (!raw.includes('%')) return raw
  try {
    return decodeURIComponent(raw)
  } catch {
    // Malformed %-encoding: keep the raw text, which is not a valid id and will be refused as such.
    return raw
  }
}

function plain(res: ServerResponse, status: number, text: string, extra?: Record<string, string>): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), ...extra })
  res.end(text)
}

/** Writes a wire response: header and stored ciphertext as two corked chunks (no joined copy). */
export function writeWire(res: ServerResponse, wire: WireResponse, allowOrigin: string | undefined): void {
  const length = wire.header.length + (wire.body ? wire.body.length : 0)
  const headers: Record<string, string | number> = {
    'content-type': 'application/octet-stream',
    'content-length': length,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  }
  if (allowOrigin) {
    headers['access-control-allow-origin'] = allowOrigin
    if (allowOrigin !== '*') headers.vary = 'Origin'
  }
  res.writeHead(200, headers)
  if (wire.body && wire.body.length > 0) {
    res.cork()
    res.write(wire.header)
    res.end(wire.body)
  } else {
    res.end(wire.header)
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
  const tokenText = firstHeader(req.headers['x-pixstore-token']) ?? (query === undefined ? undefined : queryToken(query))
  const proof = firstHeader(req.headers['x-pixstore-proof'])
  let scope: string | undefined
  try {
    scope = options.scope?.(req)
  } catch {
    scope = undefined
    return writeWire(res, { state: WireState.InternalError, header: Uint8Array.of(WireState.InternalError), body: null }, options.allowOrigin)
  }
  readyState()
    .then((state) => wireResponse(state, id, parseClientToken(tokenText), proof, scope))
    .catch(() => ({ state: WireState.InternalError, header: Uint8Array.of(WireState.InternalError), body: null }) as WireResponse)
    .then((wire) => {
      if (!res.destroyed && !res.headersSent) writeWire(res, wire, options.allowOrigin)
    })
    .catch(() => res.destroy())
}

/** Answers a CORS preflight (204); CORS headers only when an origin is configured. */
export function answerPreflight(res: ServerResponse, allowOrigin: string | undefined): void {
  res.writeHead(204, {
    ...(allowOrigin
      ? {
          'access-control-allow-origin': allowOrigin,
          ...(allowOrigin !== '*' ? { vary: 'Origin' } : {}),
          'access-control-allow-methods': 'GET, OPTIONS',
          'access-control-allow-headers': ALLOW_HEADERS,
          'access-control-max-age': '600',
        }
      : {}),
    'content-length': 0,
  })
  res.end()
}

/** 405 with the Allow header. */
export function answerMethodNotAllowed(res: ServerResponse, allowOrigin: string | undefined): void {
  plain(res, 405, 'Method not allowed', { allow: 'GET, OPTIONS', ...(allowOrigin ? { 'access-control-allow-origin': allowOrigin } : {}) })
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
      serveImageRequest(req, res, decodeId(rawId), q === -1 ? undefined : url.slice(q + 1), options)
    } catch {
      if (!res.headersSent) plain(res, 400, 'Bad request')
      else res.destroy()
    }
  }
}
