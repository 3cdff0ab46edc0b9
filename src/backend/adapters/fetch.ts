// `pixstore/backend/fetch`: a Web-standard `(Request) => Promise<Response>` handler for Hono,
// Next.js route handlers, Bun.serve, Deno.serve and other fetch-style servers.
import { configFunction, configString, readConfig } from '../../shared/config-reader.js'
import { DEFAULT_ENDPOINT_ROUTE, PROOF_HEADER, TOKEN_HEADER, TOKEN_QUERY_PARAM, VARIANT_QUERY_PARAM } from '../../shared/protocol.js'
import { answerBatchRequest, answerImageRequest, type HttpExchange, type HttpServeContext } from '../serve/http-exchange.js'
import { ALLOWED_METHODS, corsHeaders, decodeIdSegment, frameHeaders, preflightHeaders, ROUTE_METHODS } from '../serve/http-fields.js'
import { readServeHooks, type AuthorizeHook, type ServedHook } from '../serve/serve-hooks.js'
import { batchLimitOptions } from './batch-limit-options.js'

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
  /**
   * Decides each request (a batch is one) before anything is read: `{ allow: false, status: 401 | 403 }`
   * answers that status with no image; `{ allow: true, scope? }` serves it, with `scope` as the scope
   * every proof must carry (so `scope` above cannot be given too). A throw answers 500.
   */
  authorize?: AuthorizeHook<Request>
  /**
   * Hears one event per served image (per batch item) once its response body was read to the end or
   * cancelled; never a proof, key or scope. A throw is swallowed.
   */
  onServed?: ServedHook
  /** Most items in one batch request (1 to 256). Default the backend's `maxBatchItems` (64). */
  maxBatchItems?: number
  /** Largest batch request body (bytes). Default the backend's `maxBatchRequestBytes` (64 KiB). */
  maxBatchRequestBytes?: number
}

// Views handed to the stream: small enough that a consumer which copies chunks holds one at a time.
const CHUNK_BYTES = 64 * 1024

/**
 * `parts` (frame headers, stored ciphertexts, a batch directory) as a stream of views over them:
 * nothing is copied, so every response of one version shares its one buffer. A default (not byte)
 * stream, because a byte stream would transfer, and so detach, the shared buffer. `done` runs once,
 * when the stream was read to its end or cancelled.
 */
function partsStream(parts: readonly Uint8Array[], done: () => void): ReadableStream<Uint8Array> {
  let index = 0
  let offset = 0
  let finished = false
  const finish = () => {
    if (!finished) (finished = true), done()
  }
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        while (index < parts.length && offset >= parts[index]!.length) {
          index++
          offset = 0
        }
        if (index === parts.length) {
          controller.close()
          return finish()
        }
        const part = parts[index]!
        controller.enqueue(offset === 0 && part.length <= CHUNK_BYTES ? part : part.subarray(offset, Math.min(offset + CHUNK_BYTES, part.length)))
        offset += CHUNK_BYTES
      },
      cancel: finish,
    },
    { highWaterMark: 1 },
  )
}

/** The body of `request` up to `maxBytes`, or why not (reading stops past the limit). */
async function readLimitedBody(request: Request, maxBytes: number): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; reason: 'too-large' | 'unreadable' }> {
  const declared = request.headers.get('content-length')
  if (declared !== null && !(Number(declared) <= maxBytes)) return { ok: false, reason: 'too-large' }
  if (!request.body) return { ok: true, bytes: new Uint8Array(0) }
  try {
    const reader = request.body.getReader()
    const chunks: Uint8Array[] = []
    let size = 0
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.length
      if (size > maxBytes) {
        await reader.cancel().catch(() => {})
        return { ok: false, reason: 'too-large' }
      }
      chunks.push(value)
    }
    const out = new Uint8Array(size)
    let at = 0
    for (const c of chunks) {
      out.set(c, at)
      at += c.length
    }
    return { ok: true, bytes: out }
  } catch {
    return { ok: false, reason: 'unreadable' }
  }
}

function plainResponse(status: number, text: string, headers: Record<string, string>): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } })
}

/** The Response for an exchange; `done` runs when its body was consumed (text answers: at once). */
function toResponse({ answer, done }: HttpExchange, allowOrigin: string | undefined): Response {
  const cors = corsHeaders(allowOrigin)
  if (answer.status === 200) return new Response(partsStream(answer.parts, done), { status: 200, headers: frameHeaders(answer.length, allowOrigin) })
  done()
  // A fetch handler cannot drop a connection: a request that went away gets a 400 nobody reads.
  if (answer.status === 0) return plainResponse(400, 'The request body could not be read', cors)
  return plainResponse(answer.status, answer.text, answer.close ? { connection: 'close', ...cors } : cors)
}

/**
 * Creates a fetch-style handler answering `GET {route}/{id}` with a wire payload (200 with the state
 * byte for every request on the route, 404 elsewhere, 405 for other methods) and the batch request
 * `POST {route}` (JSON body) with a container of them. Options are read from own properties only; an
 * unknown key is `CONFIG_INVALID`.
 *
 * @example
 * ```ts
 * import { createPixstoreFetchHandler } from 'pixstore/backend/fetch'
 * const pixstore = createPixstoreFetchHandler()
 * app.get('/pixstore-image/*', (c) => pixstore(c.req.raw))        // Hono
 * app.post('/pixstore-image', (c) => pixstore(c.req.raw))          // Hono, batch requests
 * export const GET = (request: Request) => pixstore(request)       // Next.js route handler
 * ```
 */
export function createPixstoreFetchHandler(options: PixstoreFetchOptions = {}): (request: Request) => Promise<Response> {
  const o = readConfig(
    options,
    ['route', 'accessControlAllowOrigin', 'scope', 'authorize', 'onServed', 'maxBatchItems', 'maxBatchRequestBytes'] as const,
    'createPixstoreFetchHandler options',
  )
  const route = o.route === undefined ? DEFAULT_ENDPOINT_ROUTE : configString('route', o.route)
  const allowOrigin = o.accessControlAllowOrigin === undefined ? undefined : configString('accessControlAllowOrigin', o.accessControlAllowOrigin)
  const scope = o.scope === undefined ? undefined : configFunction<(request: Request) => unknown>('scope', o.scope)
  const prefix = route.endsWith('/') ? route : route + '/'
  const context: HttpServeContext<Request> = { transport: 'fetch', hooks: readServeHooks<Request>(o), scope, ...batchLimitOptions(o) }
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
    const isRoute = path === route || path === prefix.slice(0, -1)
    if (request.method === 'POST' && isRoute) {
      const body = { read: (maxBytes: number) => readLimitedBody(request, maxBytes) }
      return toResponse(await answerBatchRequest(context, request, request.headers.get('content-type'), body), allowOrigin)
    }
    if (request.method !== 'GET') {
      return new Response('Method not allowed', { status: 405, headers: { allow: isRoute ? ROUTE_METHODS : ALLOWED_METHODS, ...corsHeaders(allowOrigin) } })
    }
    const exchange = await answerImageRequest(context, request, {
      id: decodeIdSegment(path.length > prefix.length ? path.slice(prefix.length) : ''),
      token: request.headers.get(TOKEN_HEADER) ?? url.searchParams.get(TOKEN_QUERY_PARAM) ?? undefined,
      proof: request.headers.get(PROOF_HEADER) ?? undefined,
      variant: url.searchParams.get(VARIANT_QUERY_PARAM) ?? undefined,
    })
    return toResponse(exchange, allowOrigin)
  }
}
