// `pixstore/backend/express`: Express (4 and 5) middleware serving images with the built-in
// endpoint's behaviour. Typed with node:http's request/response (which Express's extend) so using
// it does not require @types/express.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { configFunction, configString, readConfig } from '../../shared/config-reader.js'
import { answerMethodNotAllowed, answerPreflight, serveBatchRequest, serveImageRequest } from '../endpoint/http-handler.js'
import { ALLOWED_METHODS, decodeIdSegment, ROUTE_METHODS } from '../serve/http-fields.js'
import { readServeHooks, type AuthorizeHook, type ServedHook } from '../serve/serve-hooks.js'
import { batchLimitOptions } from './batch-limit-options.js'

/** The request the Express hooks receive: node:http's, with whatever your middleware set on it. */
export type ExpressHookRequest = IncomingMessage & { [key: string]: any }

/** Options of {@link pixstoreExpress}. */
export interface PixstoreExpressOptions {
  /** CORS origin to allow. Default none (same-origin only). */
  accessControlAllowOrigin?: string
  /**
   * The scope proofs must carry, from the request (e.g. the logged-in user's id set by your auth
   * middleware); may be async. Pair with `getImageRecord(id, { scope })`. A result that is neither
   * a string nor `undefined` answers InternalError. Default none.
   */
  scope?: (req: ExpressHookRequest) => string | undefined | Promise<string | undefined>
  /**
   * Decides each request (a batch is one) before anything is read: `{ allow: false, status: 401 | 403 }`
   * answers that status with no image; `{ allow: true, scope? }` serves it, with `scope` as the scope
   * every proof must carry (so `scope` above cannot be given too). A throw answers 500.
   */
  authorize?: AuthorizeHook<ExpressHookRequest>
  /** Hears one event per served image (per batch item); never a proof, key or scope. A throw is swallowed. */
  onServed?: ServedHook
  /** Most items in one batch request (1 to 256). Default the backend's `maxBatchItems` (64). */
  maxBatchItems?: number
  /** Largest batch request body (bytes). Default the backend's `maxBatchRequestBytes` (64 KiB). */
  maxBatchRequestBytes?: number
}

// `params?: object`: Express types params per route (`{ id: string }`, `{ path: string[] }`…), and a
// handler must fit any route; only a string `id` is used.
type ExpressLikeRequest = IncomingMessage & { params?: object; originalUrl?: string; route?: unknown }

const idParam = (req: ExpressLikeRequest): unknown => (req.params as { id?: unknown } | undefined)?.id

// A batch is a POST on the mount point itself (`app.use(path, …)`: the rest of the url is `/`) or
// on a route without an `:id` (`app.post(path, …)`).
function isBatchTarget(req: ExpressLikeRequest, url: string): boolean {
  if (typeof idParam(req) === 'string') return false
  if (req.route !== undefined) return true
  const q = url.indexOf('?')
  const path = q === -1 ? url : url.slice(0, q)
  return path === '/' || path === ''
}

function idFromUrl(url: string): string {
  const q = url.indexOf('?')
  const path = q === -1 ? url : url.slice(0, q)
  return decodeIdSegment(path.startsWith('/') ? path.slice(1) : path)
}

/**
 * Express middleware answering `GET …/:id` with a wire payload and a batch request (`POST` on the
 * mount path, JSON body) with a container of them. Mount it under a path, or use it on a route with
 * an `:id` parameter (and, for batches, on the same path without it) after your own auth
 * middleware. A body already parsed by `express.json()` is taken as is. Options are read from own
 * properties only; an unknown key is `CONFIG_INVALID`.
 *
 * @example
 * ```ts
 * import { pixstoreExpress } from 'pixstore/backend/express'
 * app.use('/pixstore-image', pixstoreExpress())
 * // or, scoped to the logged-in user:
 * const scoped = pixstoreExpress({ scope: (req) => req.user.id })
 * app.get('/images/:id', requireLogin, scoped)
 * app.post('/images', requireLogin, scoped) // batch requests
 * ```
 */
export function pixstoreExpress(options: PixstoreExpressOptions = {}) {
  const o = readConfig(options, ['accessControlAllowOrigin', 'scope', 'authorize', 'onServed', 'maxBatchItems', 'maxBatchRequestBytes'] as const, 'pixstoreExpress options')
  const allowOrigin = o.accessControlAllowOrigin === undefined ? undefined : configString('accessControlAllowOrigin', o.accessControlAllowOrigin)
  const scope = o.scope === undefined ? undefined : configFunction<(req: IncomingMessage) => unknown>('scope', o.scope)
  const limits = batchLimitOptions(o)
  const serveOptions = { allowOrigin, scope, ...readServeHooks<IncomingMessage>(o), ...limits, transport: 'express' as const }
  return function pixstoreMiddleware(req: ExpressLikeRequest, res: ServerResponse, _next?: (err?: unknown) => void): void {
    res.on('error', () => {})
    req.on('error', () => {})
    if (req.method === 'OPTIONS') return answerPreflight(res, allowOrigin)
    const url = req.url ?? '/'
    const batchTarget = isBatchTarget(req, url)
    if (req.method === 'POST' && batchTarget) return serveBatchRequest(req, res, serveOptions)
    if (req.method !== 'GET') return answerMethodNotAllowed(res, allowOrigin, batchTarget ? ROUTE_METHODS : ALLOWED_METHODS)
    const q = url.indexOf('?')
    const param = idParam(req)
    const id = typeof param === 'string' ? param : idFromUrl(url)
    serveImageRequest(req, res, id, q === -1 ? undefined : url.slice(q + 1), serveOptions)
  }
}
