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
      const cors: Record<string, string> = allowOrigin
        ? { 'access-control-allow-origin': allowOrigin, ...(allowOrigin !== '*' ? { vary: 'Origin' } : {}) }
        : {}
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          ...cors,
          ...(allowOrigin
            ? { 'access-control-allow-methods': 'GET, OPTIONS', 'access-control-allow-headers': ALLOW_HEADERS, 'access-control-max-age': '600' }
            : {}),
          'content-length': 0,
        })
        return void res.end()
      }
      if (req.method !== 'GET') return plain(res, 405, 'Method not allowed', { allow: 'GET, OPTIONS', ...cors })
      const rawId = path.length > prefix.length ? path.slice(prefix.length) : ''
      const id = decodeId(rawId)
      const tokenText = firstHeader(req.headers['x-pixstore-token']) ?? (q === -1 ? undefined : queryToken(url.slice(q + 1)))
      const proof = firstHeader(req.headers['x-pixstore-proof'])
      const scope = options.scope?.(req)
      readyState()
        .then((state) => wireResponse(state, id, parseClientToken(tokenText), proof, scope))
        .catch(() => ({ state: WireState.InternalError, header: Uint8Array.of(WireState.InternalError), body: null }) as WireResponse)
        .then((wire) => {
          if (!res.destroyed && !res.headersSent) writeWire(res, wire, allowOrigin)
        })
        .catch(() => res.destroy())
    } catch {
      if (!res.headersSent) plain(res, 400, 'Bad request')
      else res.destroy()
    }
  }
}
