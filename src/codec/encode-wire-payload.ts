import type { WirePayload } from '../types/index.js'
import { dispatch } from './active-codec.js'

/**
 * Encodes any of the seven wire states into a fresh frame (DESIGN §3). Throws a `PixstoreError`:
 * `WIRE_INVALID_INPUT` (not a payload object / ciphertext not bytes), `WIRE_UNKNOWN_STATE`,
 * `WIRE_TOKEN_RANGE` (token not an integer in 0..2^53−1), `WIRE_FIELD_LENGTH` (key/iv/tag length).
 * Servers with ciphertext to place should prefer `createFrame` (one copy instead of two).
 *
 * @example
 * ```ts
 * import { encodeWirePayload, WireState } from 'pixstore/codec'
 * encodeWirePayload({ state: WireState.NotFound }) // Uint8Array [2]
 * encodeWirePayload({ state: WireState.Success, ciphertext: Uint8Array.of(9) }) // Uint8Array [0, 9]
 * ```
 */
export function encodeWirePayload(payload: WirePayload): Uint8Array {
  return dispatch.encodeWirePayload(payload)
}
