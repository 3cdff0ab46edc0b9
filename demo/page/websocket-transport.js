// The WebSocket transport: Pixstore's WebSocket fetcher on one connection to the app's
// /player-image-ws. A browser WebSocket cannot send an Authorization header, so each (re)connection
// first trades the in-memory JWT for a one-minute ticket that goes in the URL; each request carries
// the `{ playerId }` context for the server's per-request role check.
import { createWebSocketFetcher } from 'pixstore/frontend/websocket'
import { ImageRequestError } from './image-transport.js'
import { api } from './session.js'

const PATH = '/player-image-ws'

// The fetcher reports a denial as FETCH_FAILED naming the status ("… denied the request (403 …" or
// "… refused the connection (401 …"); the page words 401/403 the same way for both transports.
function asRequestError(error) {
  const status = /(?:denied the request|refused the connection) \((40[13])\b/.exec(error?.message ?? '')?.[1]
  return status ? new ImageRequestError(Number(status), undefined, 'WebSocket') : error
}

function requestWith(fetcher) {
  return async ({ playerId, imageId, variant, record }) => {
    // The access checks may send no record at all: the server's role check runs before any proof check.
    const asked = record ?? { id: imageId, token: 0, statelessProof: '', meta: {} }
    try {
      return await fetcher({ ...asked, id: imageId }, { playerId }, variant ? { variant } : undefined)
    } catch (error) {
      throw asRequestError(error)
    }
  }
}

let signedIn = null

/** Registers the `websocket` transport (connecting on its first request). */
export async function connectWebSocketTransport(transports) {
  signedIn = createWebSocketFetcher({
    url: async () => `${PATH}?ticket=${encodeURIComponent((await api('/api/websocket-ticket', { method: 'POST' })).ticket)}`,
    requestFields: (record, context) => ({ playerId: context?.playerId }),
  })
  const anonymous = createWebSocketFetcher({ url: PATH, requestFields: (record, context) => ({ playerId: context?.playerId }), connectAttempts: 1 })
  const signedInRequest = requestWith(signedIn)
  const anonymousRequest = requestWith(anonymous)
  // Without an Authorization the request goes out on a connection without a ticket (the 401 check).
  transports.register('websocket', (request) => (request.authorization ? signedInRequest(request) : anonymousRequest(request)))
}

/** Drops the connection of the signed-in user (sign-out); the next request reconnects with a new ticket. */
export function closeWebSocketTransport() {
  signedIn?.close()
}
