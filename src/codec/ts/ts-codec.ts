import { WireState, type WirePayload } from '../../types/index.js'
import {
  MAX_TOKEN,
  SUCCESS_HEADER_LENGTH,
  UPDATED_HEADER_LENGTH,
  type UpdatedHeader,
  type WireCodec,
} from '../contract.js'
import { encodeThroughFrame } from '../encode-through-frame.js'
import { checkCiphertextLength, checkHeaderObject, checkKeyIvTag, checkTargetFrame } from '../header-fields.js'
import {
  emptyError,
  notBytesError,
  tokenRangeError,
  trailingBytesError,
  truncatedError,
  unknownStateError,
} from '../wire-errors.js'

// The pure-TypeScript twin of the WASM codec: the same contract, vectors and error codes, and the
// fallback wherever WebAssembly is unavailable.

const TWO_32 = 0x1_0000_0000
// High 32 bits of 2^53 - 1.
const MAX_TOKEN_HIGH = 0x1f_ffff

function decode(bytes: Uint8Array): WirePayload {
  if (!(bytes instanceof Uint8Array)) throw notBytesError('wire payload')
  const length = bytes.length
  if (length === 0) throw emptyError()
  const state = bytes[0]!
  if (state === WireState.Success) {
    return { state, ciphertext: bytes.subarray(SUCCESS_HEADER_LENGTH) }
  }
  if (state === WireState.Updated) {
    if (length < UPDATED_HEADER_LENGTH) throw truncatedError(length)
    const high = (bytes[5]! | (bytes[6]! << 8) | (bytes[7]! << 16) | (bytes[8]! << 24)) >>> 0
    if (high > MAX_TOKEN_HIGH) throw tokenRangeError()
    const low = (bytes[1]! | (bytes[2]! << 8) | (bytes[3]! << 16) | (bytes[4]! << 24)) >>> 0
    return {
      state,
      token: high * TWO_32 + low,
      key: bytes.subarray(9, 41),
      iv: bytes.subarray(41, 53),
      tag: bytes.subarray(53, 69),
      ciphertext: bytes.subarray(UPDATED_HEADER_LENGTH),
    }
  }
  if (state <= WireState.InternalError) {
    if (length !== 1) throw trailingBytesError(state, length)
    return { state } as WirePayload
  }
  throw unknownStateError(state)
}

function isToken(token: unknown): token is number {
  return typeof token === 'number' && Number.isSafeInteger(token) && token >= 0 && token <= MAX_TOKEN
}

function writeHeader(frame: Uint8Array, header: UpdatedHeader | null): Uint8Array {
  checkHeaderObject(header)
  if (header === null) {
    checkTargetFrame(frame, SUCCESS_HEADER_LENGTH)
    frame[0] = WireState.Success
    return frame.subarray(SUCCESS_HEADER_LENGTH)
  }
  const { token, key, iv, tag } = header
  if (!isToken(token)) throw tokenRangeError()
  checkKeyIvTag(key, iv, tag)
  checkTargetFrame(frame, UPDATED_HEADER_LENGTH)
  const low = token % TWO_32
  const high = (token - low) / TWO_32
  frame[0] = WireState.Updated
  frame[1] = low & 0xff
  frame[2] = (low >>> 8) & 0xff
  frame[3] = (low >>> 16) & 0xff
  frame[4] = low >>> 24
  frame[5] = high & 0xff
  frame[6] = (high >>> 8) & 0xff
  frame[7] = high >>> 16
  frame[8] = 0
  frame.set(key, 9)
  frame.set(iv, 41)
  frame.set(tag, 53)
  return frame.subarray(UPDATED_HEADER_LENGTH)
}

function createFrame(header: UpdatedHeader | null, ciphertextLength: number) {
  checkCiphertextLength(ciphertextLength)
  checkHeaderObject(header)
  if (header === null) {
    // A fresh frame is zero-filled, and 0 is the Success state byte.
    const frame = new Uint8Array(SUCCESS_HEADER_LENGTH + ciphertextLength)
    return { frame, body: frame.subarray(SUCCESS_HEADER_LENGTH) }
  }
  // Validate before allocating, so a bad header never costs a large allocation.
  if (!isToken(header.token)) throw tokenRangeError()
  checkKeyIvTag(header.key, header.iv, header.tag)
  const frame = new Uint8Array(UPDATED_HEADER_LENGTH + ciphertextLength)
  return { frame, body: writeHeader(frame, header) }
}

const encode = encodeThroughFrame(createFrame)

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array)) throw notBytesError('compared value')
  // Lengths are public (a MAC's length is fixed by its format); only the content is secret.
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}

/**
 * The pure-TypeScript codec.
 *
 * @example
 * ```ts
 * import { getCodecImplementation } from 'pixstore/codec'
 * const ts = getCodecImplementation('ts')
 * ts.decodeWirePayload(Uint8Array.of(2)) // { state: 2 }
 * ```
 */
export const tsCodec: WireCodec = {
  kind: 'ts',
  encodeWirePayload: encode,
  decodeWirePayload: decode,
  createFrame,
  writeFrameHeader: writeHeader,
  tokensEqual: (a, b) => isToken(a) && a === b,
  constantTimeEqual,
}
