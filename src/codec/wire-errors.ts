import { PixstoreError } from '../shared/errors.js'
import { UPDATED_HEADER_LENGTH } from './contract.js'

// One constructor per fault, shared by both codecs, so WASM and TS fail with the same code AND the
// same message (the differential tests compare both).

export const notBytesError = (what: string): PixstoreError =>
  new PixstoreError('WIRE_INVALID_INPUT', `${what} must be a Uint8Array`)

export const emptyError = (): PixstoreError => new PixstoreError('WIRE_EMPTY', 'wire payload is empty')

export const unknownStateError = (state: unknown): PixstoreError =>
  new PixstoreError('WIRE_UNKNOWN_STATE', `unknown wire state ${typeof state === 'number' ? state : typeof state}`)

export const truncatedError = (length: number): PixstoreError =>
  new PixstoreError(
    'WIRE_TRUNCATED',
    `Updated frame needs a ${UPDATED_HEADER_LENGTH}-byte header, got ${length} bytes`,
  )

export const trailingBytesError = (state: number, length: number): PixstoreError =>
  new PixstoreError('WIRE_TRAILING_BYTES', `state ${state} frame must be 1 byte, got ${length}`)

export const tokenRangeError = (): PixstoreError =>
  new PixstoreError('WIRE_TOKEN_RANGE', 'token must be an integer from 0 to 2^53-1')

export const fieldLengthError = (field: string, expected: number): PixstoreError =>
  new PixstoreError('WIRE_FIELD_LENGTH', `${field} must be a Uint8Array of ${expected} bytes`)

export const invalidInputError = (message: string): PixstoreError => new PixstoreError('WIRE_INVALID_INPUT', message)
