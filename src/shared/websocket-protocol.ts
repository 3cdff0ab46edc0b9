// The WebSocket transport's message format, shared by the backend helper (pixstore/backend/websocket)
// and the browser fetcher (pixstore/frontend/websocket). Browser-safe: no imports.
//
// One connection carries many image requests at once, matched by a request id `r` (u32) the client
// picks; answers come back in whatever order they are ready.
// - Request (client → server): one text message, JSON
//     {"r": <u32>, "id": "<image id>", "token": <number|null>, "proof": "<stateless proof>",
//      "variant"?: "<name>"|null, "app"?: <any JSON, handed to the server's authorize hook>}
// - Answer (server → client): one binary message, [r: u32 little-endian][one v1 wire frame], the
//   frame byte for byte what customEndpointHelper returns (errors are wire states, as over HTTP).
// - Denied by the server's authorize hook: one text message {"r": <u32>, "error": "denied",
//   "status": 401|403, "reason"?: "<text>"}; no frame.
// - A message the server cannot take (binary, over its size limit, not JSON, no valid `r`, an `r`
//   already in use) closes the connection with one of the close codes below: it is a client bug,
//   not a request to answer.

/** Bytes of the request id in front of every binary answer (u32 LE). */
export const WS_REQUEST_ID_BYTES = 4
/** Largest request id. */
export const WS_MAX_REQUEST_ID = 0xffff_ffff
/** Default largest request message the backend helper reads (a request is ~200 bytes of JSON). */
export const WS_DEFAULT_MAX_MESSAGE_BYTES = 4096

/** Close codes the backend helper uses (1xxx from RFC 6455, 4xxx application-defined). */
export const WsCloseCode = {
  /** Binary request message. */
  Unsupported: 1003,
  /** Not JSON, not an object, or no valid `r`. */
  Malformed: 1007,
  /** A request id already in flight on this connection. */
  Policy: 1008,
  /** A request message over the helper's `maxMessageBytes`. */
  TooBig: 1009,
  /** The connection hook threw or returned something that is not a decision. */
  Internal: 1011,
  /** The connection hook denied with status 401. */
  Unauthorized: 4401,
  /** The connection hook denied with status 403. */
  Forbidden: 4403,
} as const

/** A request message as the client sends it. */
export interface WsRequestMessage {
  r: number
  id: string
  token: number | null
  proof: string
  variant?: string | null
  app?: unknown
}

/** The text answer to a request the server's authorize hook denied. */
export interface WsDeniedMessage {
  r: number
  error: 'denied'
  status: 401 | 403
  reason?: string
}
