// How the page's custom fetcher reaches the app's image route: over HTTP (one GET per image) or,
// when the server offers it, over one WebSocket. Both send the JWT, the proof and the token, and
// both return the wire payload's bytes unchanged, so the cache, proofs and decryption cannot tell
// them apart.
import { session } from './session.js'

/** A request the app refused before Pixstore ran (401 signed out, 403 wrong role). */
export class ImageRequestError extends Error {
  constructor(status, reason, via = 'HTTP') {
    super(`${status === 401 ? 'not signed in' : status === 403 ? 'not allowed for your role' : 'refused'} (${via} ${status}${reason ? `: ${reason}` : ''})`)
    this.name = 'ImageRequestError'
    this.status = status
    this.via = via
  }
}

/** The image route's URL for one image (and variant) of one player. */
export function imageUrl(playerId, imageId, variant) {
  const base = `/player-image/${encodeURIComponent(playerId)}/${encodeURIComponent(imageId)}`
  return variant ? `${base}?variant=${encodeURIComponent(variant)}` : base
}

/**
 * One GET of the image route with explicit credentials (the access checks pass none or another
 * user's record on purpose).
 * @param {{ playerId: string, imageId: string, variant?: string, authorization: string | null, record?: { token: number, statelessProof: string } }} request
 * @returns {Promise<Uint8Array>} the wire payload; throws ImageRequestError on a 401/403
 */
export async function requestOverHttp({ playerId, imageId, variant, authorization, record }) {
  const headers = {}
  if (authorization) headers.authorization = authorization
  if (record) {
    // The header names customEndpointHelper's callers read (README, "Custom endpoints and fetchers").
    headers['x-pixstore-proof'] = record.statelessProof
    headers['x-pixstore-token'] = String(record.token)
  }
  const response = await fetch(imageUrl(playerId, imageId, variant), { headers })
  if (!response.ok) {
    const body = await response.json().catch(() => ({}))
    throw new ImageRequestError(response.status, body.error)
  }
  return new Uint8Array(await response.arrayBuffer())
}

const transports = {
  http: { name: 'http', request: requestOverHttp },
}
let active = transports.http

export const imageTransport = {
  get name() {
    return active.name
  },
  available: (name) => name in transports,
  /** Adds a transport (the WebSocket one, once connected). */
  register(name, request) {
    transports[name] = { name, request }
  },
  use(name) {
    if (!transports[name]) throw new Error(`no ${name} transport`)
    active = transports[name]
  },
  request: (request) => active.request(request),
}

/**
 * The fetcher the page registers with initPixstoreFrontend: the signed-in user's JWT, the record's
 * proof and token, and the `{ playerId }` context every getImage call of the page passes.
 * @param {(row: { record: object, context: object, variant?: string, via: string, bytes: Uint8Array }) => void} onAnswer
 * @returns {import('pixstore/frontend').ImageFetcher<{ playerId: string }>}
 */
export function createRosterFetcher(onAnswer) {
  return async (record, context, request) => {
    if (!context?.playerId) throw new Error('getImage needs a { playerId } context on this page')
    const via = active.name
    const bytes = await active.request({ playerId: context.playerId, imageId: record.id, variant: request?.variant, authorization: session.authorization, record })
    onAnswer({ record, context, variant: request?.variant, via, bytes })
    return bytes
  }
}
