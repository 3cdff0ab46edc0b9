import { dispatch } from './active-codec.js'

/**
 * Byte-string equality whose time depends on the lengths only, never on where the bytes differ —
 * for comparing proof MACs. Different lengths are unequal (lengths are not secret). Throws
 * `WIRE_INVALID_INPUT` if either argument is not a Uint8Array.
 *
 * @example
 * ```ts
 * import { constantTimeEqual } from 'pixstore/codec'
 * if (!constantTimeEqual(expectedMac, receivedMac)) return WireState.InvalidProof
 * ```
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return dispatch.constantTimeEqual(a, b)
}
