// The JSON body of a batch request (`POST {route}`), read and checked in one place for every
// transport: `{"v":1,"items":[{"id":…,"token":…,"proof":…,"variant":…},…]}`. A malformed request is refused as a
// whole (400, or 413 for too many items); an item whose values are wrong but of the right types is
// not refused here: it is served, and fails alone, exactly as the same GET would.
import type { ServeBatchItem } from './serve-image-batch.js'

/** The request's items, or the HTTP status and text to answer instead. */
export type BatchRequestResult = { ok: true; items: ServeBatchItem[] } | { ok: false; status: 400 | 413; message: string }

const REQUEST_KEYS = new Set(['v', 'items'])
const ITEM_KEYS = new Set(['id', 'token', 'proof', 'variant'])
const utf8 = new TextDecoder('utf-8', { fatal: true })

const refuse = (message: string, status: 400 | 413 = 400): BatchRequestResult => ({ ok: false, status, message })

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function onlyKeys(value: Record<string, unknown>, known: Set<string>): boolean {
  return Object.keys(value).every((k) => known.has(k))
}

/**
 * Checks an already parsed batch request (e.g. `req.body` after a JSON body parser). Types are
 * strict: `id` a string, `token` a number or null (absent = null), `proof` a string or null (absent =
 * null), `variant` a string or null (absent = null: the original). The values themselves are judged
 * by serveImage per item (an empty id is MissingID, a missing proof MissingProof, a malformed id
 * InvalidProof, a token that is no version "no token", a variant the image lacks NotFound).
 *
 * @example
 * ```ts
 * const r = checkBatchRequest(req.body, 64)
 * if (!r.ok) return res.status(r.status).send(r.message)
 * ```
 */
export function checkBatchRequest(body: unknown, maxItems: number): BatchRequestResult {
  if (!isPlainObject(body) || !onlyKeys(body, REQUEST_KEYS)) return refuse('a batch request is an object {"v":1,"items":[…]}')
  if (body.v !== 1) return refuse('unsupported batch request version (v must be 1)')
  const items = body.items
  if (!Array.isArray(items) || items.length === 0) return refuse('items must be a non-empty array')
  if (items.length > maxItems) return refuse(`too many items in one batch (at most ${maxItems})`, 413)
  const out: ServeBatchItem[] = []
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i]
    if (!isPlainObject(item) || !onlyKeys(item, ITEM_KEYS)) return refuse(`item ${i} must be an object {"id","token","proof","variant"}`)
    const { id, token = null, proof = null, variant = null } = item
    if (typeof id !== 'string') return refuse(`item ${i}: id must be a string`)
    if (token !== null && typeof token !== 'number') return refuse(`item ${i}: token must be a number or null`)
    if (proof !== null && typeof proof !== 'string') return refuse(`item ${i}: proof must be a string or null`)
    if (variant !== null && typeof variant !== 'string') return refuse(`item ${i}: variant must be a string or null`)
    const served: ServeBatchItem = { id, token: token ?? undefined, proof: proof ?? undefined }
    if (variant !== null) served.variant = variant
    out.push(served)
  }
  return { ok: true, items: out }
}

/**
 * Parses and checks a batch request body (UTF-8 JSON). The caller has already bounded its size.
 *
 * @example
 * ```ts
 * const r = parseBatchRequest(bodyBytes, state.config.maxBatchItems)
 * ```
 */
export function parseBatchRequest(bytes: Uint8Array, maxItems: number): BatchRequestResult {
  let body: unknown
  try {
    body = JSON.parse(utf8.decode(bytes))
  } catch {
    return refuse('the batch request body is not JSON')
  }
  return checkBatchRequest(body, maxItems)
}

/**
 * True when a Content-Type header names JSON (`application/json`, any parameters). A cross-site
 * page can only send it after a CORS preflight, unlike the "simple" `text/plain`.
 *
 * @example
 * ```ts
 * if (!isJsonContentType(req.headers['content-type'])) return answer(415)
 * ```
 */
export function isJsonContentType(value: string | null | undefined): boolean {
  if (typeof value !== 'string') return false
  return value.split(';')[0]!.trim().toLowerCase() === 'application/json'
}
