// `pixstore/backend/fetch`: a Web-standard `(Request) => Promise<Response>` handler for Hono,
// Next.js route handlers, Bun.serve, Deno.serve and other fetch-style servers.
import { configFunction, configString, readConfig } from '../../shared/config-reader.js'
import { DEFAULT_ENDPOINT_ROUTE, PROOF_HEADER, TOKEN_HEADER, TOKEN_QUERY_PARAM } from '../../shared/protocol.js'
import { readyState } from '../backend-state.js'
import { DEFAULT_BACKEND_CONFIG } from '../config/backend-config.js'
import { isJsonContentType, parseBatchRequest } from '../serve/batch-request.js'
import { frameLength, type Frame } from '../serve/frame.js'
import { ALLOWED_METHODS, corsHeaders, decodeIdSegment, frameHeaders, preflightHeaders, ROUTE_METHODS } from '../serve/http-fields.js'
import { serveImage } from '../serve/serve-image.js'
import { batchParts, serveImageBatch } from '../serve/serve-image-batch.js'
import { batchLimitOptions, type BatchLimits } from './batch-limit-options.js'

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
 * stream, because a byte stream would transfer, and so detach, the shared buffer.
 */
function partsStream(parts: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let index = 0
  let offset = 0
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        while (index < parts.length && offset >= parts[index]!.length) {
          index++
          offset = 0
        }
        if (index === parts.length) return controller.close()
        const part = parts[index]!
        controller.enqueue(offset === 0 && part.length <= CHUNK_BYTES ? part : part.subarray(offset, Math.min(offset + CHUNK_BYTES, part.length)))
        offset += CHUNK_BYTES
      },
    },
    { highWaterMark: 1 },
  )
}

const frameParts = (frame: Frame) => (frame.body && frame.body.length > 0 ? [frame.header, frame.body] : [frame.header])

/** The body of `request` up to `maxBytes`, or `null` past it (reading stops there). */
async function readLimitedBody(request: Request, maxBytes: number): Promise<Uint8Array | null> {
  const declared = request.headers.get('content-length')
  if (declared !== null && !(Number(declared) <= maxBytes)) return null
  if (!request.body) return new Uint8Array(0)
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.length
    if (size > maxBytes) {
      await reader.cancel().catch(() => {})
      return null
    }
    chunks.push(value)
  }
  const out = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
}

function plainResponse(status: number, text: string, headers: Record<string, string>): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } })
}

async function batchResponse(request: Request, allowOrigin: string | undefined, scope: ((request: Request) => unknown) | undefined, limits: BatchLimits): Promise<Response> {
  const cors = corsHeaders(allowOrigin)
  if (!isJsonContentType(request.headers.get('content-type'))) return plainResponse(415, 'A batch request is application/json', cors)
  const state = readyState()
  const config = await state.then((s) => s.config, () => DEFAULT_BACKEND_CONFIG)
  const maxBytes = limits.maxBatchRequestBytes ?? config.maxBatchRequestBytes
  let body: Uint8Array | null
  try {
    body = await readLimitedBody(request, maxBytes)
  } catch {
    return plainResponse(400, 'The request body could not be read', cors)
  }
  if (!body) return plainResponse(413, `A batch request body is at most ${maxBytes} bytes`, { connection: 'close', ...cors })
  const parsed = parseBatchRequest(body, limits.maxBatchItems ?? config.maxBatchItems)
  if (!parsed.ok) return plainResponse(parsed.status, parsed.message, cors)
  const served = await serveImageBatch(state, parsed.items, scope ? { resolveScope: () => scope(request) } : {})
  return new Response(partsStream(batchParts(served)), { status: 200, headers: frameHeaders(served.length, allowOrigin) })
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
    ['route', 'accessControlAllowOrigin', 'scope', 'maxBatchItems', 'maxBatchRequestBytes'] as const,
    'createPixstoreFetchHandler options',
  )
  const route = o.route === undefined ? DEFAULT_ENDPOINT_ROUTE : configString('route', o.route)
  const allowOrigin = o.accessControlAllowOrigin === undefined ? undefined : configString('accessControlAllowOrigin', o.accessControlAllowOrigin)
  const scope = o.scope === undefined ? undefined : configFunction<(request: Request) => unknown>('scope', o.scope)
  const prefix = route.endsWith('/') ? route : route + '/'
  const limits = batchLimitOptions(o)
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
      return batchResponse(request, allowOrigin, scope, limits).catch(() => plainResponse(500, 'Internal error', corsHeaders(allowOrigin)))
    }
    if (request.method !== 'GET') {
      return new Response('Method not allowed', { status: 405, headers: { allow: isRoute ? ROUTE_METHODS : ALLOWED_METHODS, ...corsHeaders(allowOrigin) } })
    }
    const frame = await serveImage(readyState(), {
      id: decodeIdSegment(path.length > prefix.length ? path.slice(prefix.length) : ''),
      token: request.headers.get(TOKEN_HEADER) ?? url.searchParams.get(TOKEN_QUERY_PARAM) ?? undefined,
      proof: request.headers.get(PROOF_HEADER) ?? undefined,
      resolveScope: scope ? () => scope(request) : undefined,
    })
    return new Response(partsStream(frameParts(frame)), { status: 200, headers: frameHeaders(frameLength(frame), allowOrigin) })
  }
}
