// `pixstore/backend/express`: Express (4 and 5) middleware serving images with the built-in
// endpoint's behaviour. Typed with node:http's request/response (which Express's extend) so using
// it does not require @types/express.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { configFunction, configString, readConfig } from '../../shared/config-reader.js'
import { answerMethodNotAllowed, answerPreflight, serveImageRequest } from '../endpoint/http-handler.js'
import { decodeIdSegment } from '../serve/http-fields.js'

/** Options of {@link pixstoreExpress}. */
export interface PixstoreExpressOptions {
  /** CORS origin to allow. Default none (same-origin only). */
  accessControlAllowOrigin?: string
  /**
   * The scope proofs must carry, from the request (e.g. the logged-in user's id set by your auth
   * middleware); may be async. Pair with `getImageRecord(id, { scope })`. A result that is neither
   * a string nor `undefined` answers InternalError. Default none.
   */
  scope?: (req: IncomingMessage & { [key: string]: any }) => string | undefined | Promise<string | undefined>
}

// `params?: object`: Express types params per route (`{ id: string }`, `{ path: string[] }`…), and a
// handler must fit any route; only a string `id` is used.
type ExpressLikeRequest = IncomingMessage & { params?: object; originalUrl?: string }

function idFromUrl(url: string): string {
  const q = url.indexOf('?')
  const path = q === -1 ? url : url.slice(0, q)
  return decodeIdSegment(path.startsWith('/') ? path.slice(1) : path)
}

/**
 * Express middleware answering `GET …/:id` with a wire payload. Mount it under a path, or use it on
 * a route with an `:id` parameter after your own auth middleware. Options are read from own
 * properties only; an unknown key is `CONFIG_INVALID`.
 *
 * @example
 * ```ts
 * import { pixstoreExpress } from 'pixstore/backend/express'
 * app.use('/pixstore-image', pixstoreExpress())
 * // or, scoped to the logged-in user:
 * app.get('/images/:id', requireLogin, pixstoreExpress({ scope: (req) => req.user.id }))
 * ```
 */
export function pixstoreExpress(options: PixstoreExpressOptions = {}) {
  const o = readConfig(options, ['accessControlAllowOrigin', 'scope'] as const, 'pixstoreExpress options')
  const allowOrigin = o.accessControlAllowOrigin === undefined ? undefined : configString('accessControlAllowOrigin', o.accessControlAllowOrigin)
  const scope = o.scope === undefined ? undefined : configFunction<(req: IncomingMessage) => unknown>('scope', o.scope)
  return function pixstoreMiddleware(req: ExpressLikeRequest, res: ServerResponse, _next?: (err?: unknown) => void): void {
    res.on('error', () => {})
    if (req.method === 'OPTIONS') return answerPreflight(res, allowOrigin)
    if (req.method !== 'GET') return answerMethodNotAllowed(res, allowOrigin)
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const param = (req.params as { id?: unknown } | undefined)?.id
    const id = typeof param === 'string' ? param : idFromUrl(url)
    serveImageRequest(req, res, id, q === -1 ? undefined : url.slice(q + 1), { allowOrigin, scope })
  }
}
