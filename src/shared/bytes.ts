// Byte-level primitives every layer may use (codec, crypto, backend, frontend), so none of them
// depends on another for a check or a comparison. In the manner of noble's `abytes`: one check, one
// exact message shape, the caller names the value and the error code.
import { PixstoreError, type PixstoreErrorCode } from './errors.js'

/**
 * Asserts `value` is a Uint8Array (a Buffer counts) and, when `length` is given, exactly that long.
 * Throws a PixstoreError with `code` and the message `<name> must be a Uint8Array` or
 * `<name> must be a Uint8Array of <length> bytes`.
 *
 * @example
 * ```ts
 * abytes(key, 'key', 'WIRE_FIELD_LENGTH', KEY_LENGTH) // throws 'key must be a Uint8Array of 32 bytes'
 * ```
 */
export function abytes(value: unknown, name: string, code: PixstoreErrorCode, length?: number): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array) || (length !== undefined && value.length !== length)) {
    throw new PixstoreError(code, length === undefined ? `${name} must be a Uint8Array` : `${name} must be a Uint8Array of ${length} bytes`)
  }
}

/**
 * Byte-string equality whose time depends on the lengths only, never on where the bytes differ,
 * for comparing MACs. Different lengths are unequal (a MAC's length is fixed by its format, so it is
 * not secret). Throws `WIRE_INVALID_INPUT` when either argument is not a Uint8Array.
 *
 * @example
 * ```ts
 * if (!constantTimeEqual(expectedMac, receivedMac)) throw new PixstoreError('PROOF_INVALID', '...')
 * ```
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  abytes(a, 'compared value', 'WIRE_INVALID_INPUT')
  abytes(b, 'compared value', 'WIRE_INVALID_INPUT')
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}
