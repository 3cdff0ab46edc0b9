// `pixstore/backend/fetch`: a Web-standard `(Request) => Promise<Response>` handler for Hono,
// Next.js route handlers, Bun.serve, Deno.serve and other fetch-style servers.
import { WireState } from '../../types/index.js'
import { readyState } from '../backend-state.js'
import { parseClientToken, wireResponse } from '../images/wire-response.js'

/** Options of {@link createPixstoreFetchHandler}. */
export interface PixstoreFetchOptions {
  /** Path prefix the image id follows. Default `/pixstore-image`. */
  route?: string
  /** CORS origin to allow. Default none (same-origin only). */
  accessControlAllowOrigin?: string
  /** The scope proofs must carry, from the request (e.g. a user id your auth derived). */
  scope?: (request: Request) => string | undefined | Promise<string | undefined>
}

const BINARY_HEADERS = { 'content-type': 'application/octet-stream', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' }

/**
 * Creates a fetch-style handler answering `GET {route}/{id}` with a wire payload (200 with the state
 * byte for every request on the route, 404 elsewhere, 405 for other methods).
 *
 * @example
 * ```ts
 * import { createPixstoreFetchHandler } from 'pixstore/backend/fetch'
 * const pixstore = createPixstoreFetchHandler()
 * app.get('/pixstore-image/*', (c) => pixstore(c.req.raw))        // Hono
 * export const GET = (request: Request) => pixstore(request)       // Next.js route handler
 * ```
 */
export function createPixstoreFetchHandler(options: PixstoreFetchOptions = {}): (request: Request) => Promise<Response> {
  const route = options.route ?? '/pixstore-image'
  const prefix = route.endsWith('/') ? route : route + '/'
  const cors: Record<string, string> = options.accessControlAllowOrigin
    ? { 'access-control-allow-origin': options.accessControlAllowOrigin, ...(options.accessControlAllowOrigin !== '*' ? { vary: 'Origin' } : {}) }
    : {}
  return async function pixstoreFetchHandler(request: Request): Promise<Response> {
    let url: URL
    try {
      url = new URL(request.url)
    } catch {
      return new Response('Bad request', { status: 400 })
    }
    const path = url.pathname
    if (path !== route && !path.startsWith(prefix)) return new Response('Not found', { status: 404 })
    if (request.method === 'OPTIONS') {
      const pre = options.accessControlAllowOrigin
        ? { ...cors, 'access-control-allow-methods': 'GET, OPTIONS', 'access-control-allow-headers': 'x-pixstore-proof, x-pixstore-token', 'access-control-max-age': '600' }
        : {}
      return new Response(null, { status: 204, headers: pre })
    }
    if (request.method !== 'GET') return new Response('Method not allowed', { status: 405, headers: { allow: 'GET, OPTIONS', ...cors } })
    let id = path.length > prefix.length ? path.slice(prefix.length) : ''
    try {
      id = decodeURIComponent(id)
    } catch {
      // Malformed %-encoding: not a valid id; refused below with a state byte.
    }
    let frame: Uint8Array
    try {
      const scope = options.scope ? await options.scope(request) : undefined
      const token = request.headers.get('x-pixstore-token') ?? url.searchParams.get('token') ?? undefined
      const wire = await wireResponse(await readyState(), id, parseClientToken(token), request.headers.get('x-pixstore-proof') ?? undefined, scope)
      if (wire.body) {
        frame = new Uint8Array(wire.header.length + wire.body.length)
        frame.set(wire.header, 0)
        frame.set(wire.body, wire.header.length)
      } else frame = wire.header
    } catch {
      frame = Uint8Array.of(WireState.InternalError)
    }
    return new Response(frame as Uint8Array<ArrayBuffer>, { status: 200, headers: { ...BINARY_HEADERS, ...cors } })
  }
}
