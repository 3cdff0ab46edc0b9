import { IV_LENGTH, KEY_LENGTH, TAG_LENGTH, type UpdatedHeader } from './contract.js'
import { fieldLengthError, invalidInputError } from './wire-errors.js'

// Input checks both encoders share, in the order both apply them: the header object, then (after
// the token, which each codec checks itself) key, iv and tag.

/** Throws WIRE_INVALID_INPUT unless `length` can be a ciphertext length. */
export function checkCiphertextLength(length: unknown): asserts length is number {
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
    throw invalidInputError('ciphertext length must be a non-negative integer')
  }
}

/** Throws WIRE_INVALID_INPUT unless `header` is null or an object. */
export function checkHeaderObject(header: unknown): asserts header is UpdatedHeader | null {
  if (header !== null && typeof header !== 'object') {
    throw invalidInputError('header must be null (Success) or { token, key, iv, tag } (Updated)')
  }
}

/** Throws WIRE_FIELD_LENGTH unless key, iv and tag are byte arrays of their exact lengths. */
export function checkKeyIvTag(key: unknown, iv: unknown, tag: unknown): void {
  if (!(key instanceof Uint8Array) || key.length !== KEY_LENGTH) throw fieldLengthError('key', KEY_LENGTH)
  if (!(iv instanceof Uint8Array) || iv.length !== IV_LENGTH) throw fieldLengthError('iv', IV_LENGTH)
  if (!(tag instanceof Uint8Array) || tag.length !== TAG_LENGTH) throw fieldLengthError('tag', TAG_LENGTH)
}

/** Throws WIRE_INVALID_INPUT unless `frame` is a byte array with room for a header of `needed` bytes. */
export function checkTargetFrame(frame: unknown, needed: number): asserts frame is Uint8Array {
  if (!(frame instanceof Uint8Array)) throw invalidInputError('frame must be a Uint8Array')
  if (frame.length < needed) {
    throw invalidInputError(`frame of ${frame.length} bytes has no room for a ${needed}-byte header`)
  }
}

