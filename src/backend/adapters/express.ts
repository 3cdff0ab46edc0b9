// `pixstore/backend/express`: Express (4 and 5) middleware serving images with the built-in
// endpoint's behaviour. Typed with node:http's request/response (which Express's extend) so using
// it does not require @types/express.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { answerMethodNotAllowed, answerPreflight, serveImageRequest } from '../endpoint/http-handler.js'

/** Options of {@link pixstoreExpress}. */
export interface PixstoreExpressOptions {
  /** CORS origin to allow. Default none (same-origin only). */
  accessControlAllowOrigin?: string
  /**
   * The scope proofs must carry, from the request (e.g. the logged-in user's id set by your auth
   * middleware). Pair with `getImageRecord(id, { scope })`. Default none.
   */
  scope?: (req: IncomingMessage & { [key: string]: any }) => string | undefined
}

// `params?: object`: Express types params per route (`{ id: string }`, `{ path: string[] }`…), and a
// handler must fit any route; only a string `id` is used.
type ExpressLikeRequest = IncomingMessage & { params?: object; originalUrl?: string }

function idFromUrl(url: string): string {
  const q = url.indexOf('?')
  const path = q === -1 ? url : url.slice(0, q)
  const raw = path.startsWith('/') ? path.slice(1) : path
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw // not a valid id: refused downstream with a state byte
  }
}

/**
 * Express middleware answering `GET …/:id` with a wire payload. Mount it under a path, or use it on
 * a route with an `:id` parameter after your own auth middleware.
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
  const allowOrigin = options.accessControlAllowOrigin
  return function pixstoreMiddleware(req: ExpressLikeRequest, res: ServerResponse, _next?: (err?: unknown) => void): void {
    res.on('error', () => {})
    if (req.method === 'OPTIONS') return answerPreflight(res, allowOrigin)
    if (req.method !== 'GET') return answerMethodNotAllowed(res, allowOrigin)
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const param = (req.params as { id?: unknown } | undefined)?.id
    const id = typeof param === 'string' ? param : idFromUrl(url)
    serveImageRequest(req, res, id, q === -1 ? undefined : url.slice(q + 1), { allowOrigin, scope: options.scope })
  }
}
