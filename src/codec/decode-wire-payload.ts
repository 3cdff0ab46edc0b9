import type { WirePayload } from '../types/index.js'
import { dispatch } from './active-codec.js'

/**
 * Strictly decodes a wire frame. Byte fields are views into `bytes` (no copy), so the cost does not
 * depend on the ciphertext size. Throws a `PixstoreError`: `WIRE_INVALID_INPUT` (not a Uint8Array),
 * `WIRE_EMPTY`, `WIRE_UNKNOWN_STATE`, `WIRE_TRUNCATED` (Updated shorter than its 69-byte header),
 * `WIRE_TRAILING_BYTES` (bytes after a one-byte state), `WIRE_TOKEN_RANGE` (token above 2^53−1).
 *
 * @example
 * ```ts
 * import { decodeWirePayload } from 'pixstore/codec'
 * const payload = decodeWirePayload(new Uint8Array(await response.arrayBuffer()))
 * if (payload.state === 1) cache.put(payload.token, payload.ciphertext)
 * ```
 */
export function decodeWirePayload(bytes: Uint8Array): WirePayload {
  return dispatch.decodeWirePayload(bytes)
}
