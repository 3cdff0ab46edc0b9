// `pixstore/backend/fetch`: a Web-standard `(Request) => Promise<Response>` handler for Hono,
// Next.js route handlers, Bun.serve, Deno.serve and other fetch-style servers.
import { configFunction, configString, readConfig } from '../../shared/config-reader.js'
import { DEFAULT_ENDPOINT_ROUTE, PROOF_HEADER, TOKEN_HEADER, TOKEN_QUERY_PARAM } from '../../shared/protocol.js'
import { readyState } from '../backend-state.js'
import { frameLength, type Frame } from '../serve/frame.js'
import { ALLOWED_METHODS, corsHeaders, decodeIdSegment, frameHeaders, preflightHeaders } from '../serve/http-fields.js'
import { serveImage } from '../serve/serve-image.js'

/** Options of {@link createPixstoreFetchHandler}. */
export interface PixstoreFetchOptions {
  /** Path prefix the image id follows. Default `/pixstore-image`. */
  route?: string
  /** CORS origin to allow. Default none (same-origin only). */
  accessControlAllowOrigin?: string
  /**
   * The scope proofs must carry, from the request (e.g. a user id your auth derived); may be async.
   * A result that is neither a string nor `undefined` answers InternalError.
   */
  scope?: (request: Request) => string | undefined | Promise<string | undefined>
}

// Views handed to the stream: small enough that a consumer which copies chunks holds one at a time.
const CHUNK_BYTES = 64 * 1024

/**
 * The frame as a stream of views over the header and the stored ciphertext: nothing is copied, so
 * every response of one version shares its one buffer. A default (not byte) stream, because a byte
 * stream would transfer, and so detach, the shared buffer.
 */
function frameStream(frame: Frame): ReadableStream<Uint8Array> {
  const body = frame.body
  let offset = -1
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (offset === -1) {
          controller.enqueue(frame.header)
          offset = 0
        } else if (body && offset < body.length) {
          controller.enqueue(body.subarray(offset, Math.min(offset + CHUNK_BYTES, body.length)))
          offset += CHUNK_BYTES
        }
        if (!body || offset >= body.length) controller.close()
      },
    },
    { highWaterMark: 1 },
  )
}

/**
 * Creates a fetch-style handler answering `GET {route}/{id}` with a wire payload (200 with the state
 * byte for every request on the route, 404 elsewhere, 405 for other methods). Options are read from
 * own properties only; an unknown key is `CONFIG_INVALID`.
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
  const o = readConfig(options, ['route', 'accessControlAllowOrigin', 'scope'] as const, 'createPixstoreFetchHandler options')
  const route = o.route === undefined ? DEFAULT_ENDPOINT_ROUTE : configString('route', o.route)
  const allowOrigin = o.accessControlAllowOrigin === undefined ? undefined : configString('accessControlAllowOrigin', o.accessControlAllowOrigin)
  const scope = o.scope === undefined ? undefined : configFunction<(request: Request) => unknown>('scope', o.scope)
  const prefix = route.endsWith('/') ? route : route + '/'
  return async function pixstoreFetchHandler(request: Request): Promise<Response> {
    let url: URL
    try {
      url = new URL(request.url)
    } catch {
      return new Response('Bad request', { status: 400 })
    }
    const path = url.pathname
    if (path !== route && !path.startsWith(prefix)) return new Response('Not found', { status: 404 })
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: preflightHeaders(allowOrigin) })
    if (request.method !== 'GET') {
      return new Response('Method not allowed', { status: 405, headers: { allow: ALLOWED_METHODS, ...corsHeaders(allowOrigin) } })
    }
    const frame = await serveImage(readyState(), {
      id: decodeIdSegment(path.length > prefix.length ? path.slice(prefix.length) : ''),
      token: request.headers.get(TOKEN_HEADER) ?? url.searchParams.get(TOKEN_QUERY_PARAM) ?? undefined,
      proof: request.headers.get(PROOF_HEADER) ?? undefined,
      resolveScope: scope ? () => scope(request) : undefined,
    })
    return new Response(frameStream(frame), { status: 200, headers: frameHeaders(frameLength(frame), allowOrigin) })
  }
}
