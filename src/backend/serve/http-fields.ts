// The HTTP side of the protocol, shared by the node:http handler (built-in endpoint, Express) and the
// fetch handler: how the id and token are read from a request, and the response and CORS headers.
import { PROOF_HEADER, TOKEN_HEADER, WIRE_CONTENT_TYPE } from '../../shared/protocol.js'

/** Methods `{route}/{id}` answers. */
export const ALLOWED_METHODS = 'GET, OPTIONS'
/** Methods `{route}` itself answers: POST is the batch request. */
export const ROUTE_METHODS = 'GET, POST, OPTIONS'

/**
 * The image id from a raw path segment: %-decoded; malformed encoding stays raw (it is not a valid id
 * and is refused as such, with a state byte).
 *
 * @example
 * ```ts
 * decodeIdSegment('avatars%3AQm9') // 'avatars:Qm9'
 * ```
 */
export function decodeIdSegment(raw: string): string {
  if (!raw.includes('%')) return raw
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}

/**
 * The first value of `name` in a raw query string (`a=1&token=5`), as text (not %-decoded: the
 * values read here, a token's digits and a variant name, never need escaping, and an escaped one is
 * refused as invalid); `undefined` when absent.
 *
 * @example
 * ```ts
 * queryValue('token=5&variant=thumb', 'variant') // 'thumb'
 * ```
 */
export function queryValue(query: string | undefined, name: string): string | undefined {
  if (query === undefined) return undefined
  const prefix = name + '='
  for (const part of query.split('&')) {
    if (part.startsWith(prefix)) return part.slice(prefix.length)
  }
  return undefined
}

/** CORS headers of every answer when an origin is configured (none otherwise). */
export function corsHeaders(allowOrigin: string | undefined): Record<string, string> {
  if (!allowOrigin) return {}
  return allowOrigin === '*' ? { 'access-control-allow-origin': allowOrigin } : { 'access-control-allow-origin': allowOrigin, vary: 'Origin' }
}

/** Headers of a CORS preflight answer (204). */
export function preflightHeaders(allowOrigin: string | undefined): Record<string, string> {
  if (!allowOrigin) return {}
  return {
    ...corsHeaders(allowOrigin),
    // POST and content-type for the batch request, whose JSON body makes the browser preflight it.
    'access-control-allow-methods': ROUTE_METHODS,
    'access-control-allow-headers': `${PROOF_HEADER}, ${TOKEN_HEADER}, content-type`,
    'access-control-max-age': '600',
  }
}

/** Headers of a wire answer of `length` bytes. */
export function frameHeaders(length: number, allowOrigin: string | undefined): Record<string, string> {
  return {
    'content-type': WIRE_CONTENT_TYPE,
    'content-length': String(length),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...corsHeaders(allowOrigin),
  }
}
