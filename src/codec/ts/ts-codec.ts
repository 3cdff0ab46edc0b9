import { abytes, constantTimeEqual } from '../../shared/bytes.js'
import { BATCH_MAGIC, BATCH_VERSION, MAX_BATCH_ITEMS, MAX_TOKEN, SUCCESS_HEADER_LENGTH, UPDATED_HEADER_LENGTH } from '../../shared/protocol.js'
import { WireState, type WirePayload } from '../../types/index.js'
import type { UpdatedHeader, WireCodec } from '../contract.js'
import {
  ERR_BATCH_COUNT,
  ERR_BATCH_MAGIC,
  ERR_BATCH_SUM,
  ERR_BATCH_VERSION,
  ERR_BATCH_ZERO_LENGTH,
  ERR_EMPTY,
  ERR_TRUNCATED,
  batchDirectoryLength,
  batchError,
  checkBatchInput,
  checkBatchList,
  checkCiphertextLength,
  checkFrameLengths,
  checkHeaderObject,
  checkKeyIvTag,
  checkTargetFrame,
  emptyError,
  encodeBatchThrough,
  encodeThroughFrame,
  readU32,
  splitBatch,
  tokenRangeError,
  trailingBytesError,
  truncatedError,
  unknownStateError,
  batchFrameLengths,
  checkBatchHead,
} from '../wire-checks.js'

// The pure-TypeScript twin of the WASM codec: the same contract, vectors and error codes, and the
// fallback wherever WebAssembly is unavailable.

const TWO_32 = 0x1_0000_0000
// High 32 bits of 2^53 - 1.
const MAX_TOKEN_HIGH = Math.floor(MAX_TOKEN / TWO_32)

function decode(bytes: Uint8Array): WirePayload {
  abytes(bytes, 'wire payload', 'WIRE_INVALID_INPUT')
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

// The directory check as a status (the count, or an ERR_* value), like the WASM export's: both
// codecs then build the same error from it.
function batchStatus(bytes: Uint8Array, length: number = bytes.length): number {
  if (length === 0) return ERR_EMPTY
  if (bytes[0] !== BATCH_MAGIC) return ERR_BATCH_MAGIC
  if (length >= 2 && bytes[1] !== BATCH_VERSION) return ERR_BATCH_VERSION
  if (length < 4) return ERR_TRUNCATED
  const count = bytes[2]! | (bytes[3]! << 8)
  if (count < 1 || count > MAX_BATCH_ITEMS) return ERR_BATCH_COUNT
  const directory = batchDirectoryLength(count)
  if (length < directory) return ERR_TRUNCATED
  let sum = 0
  let zero = false
  for (let i = 0; i < count; i++) {
    const n = readU32(bytes, 4 + 4 * i)
    zero ||= n === 0
    sum += n
  }
  if (zero) return ERR_BATCH_ZERO_LENGTH
  return sum === length - directory ? count : ERR_BATCH_SUM
}

function decodeBatch(bytes: Uint8Array, expectedCount?: number): WirePayload[] {
  checkBatchInput(bytes, expectedCount)
  const count = batchStatus(bytes)
  if (count < 0) throw batchError(count, bytes)
  return splitBatch(bytes, count, expectedCount, decode)
}

function readBatchDirectory(head: Uint8Array, totalLength: number, expectedCount?: number): number[] {
  checkBatchHead(head, totalLength, expectedCount)
  const count = batchStatus(head, totalLength)
  if (count < 0) throw batchError(count, head, totalLength)
  return batchFrameLengths(head, count, expectedCount)
}

function encodeBatchHeader(frameLengths: readonly number[]): Uint8Array {
  checkBatchList(frameLengths, 'batch frame lengths')
  checkFrameLengths(frameLengths)
  const count = frameLengths.length
  const out = new Uint8Array(batchDirectoryLength(count))
  out[0] = BATCH_MAGIC
  out[1] = BATCH_VERSION
  out[2] = count & 0xff
  out[3] = count >>> 8
  for (let i = 0, at = 4; i < count; i++, at += 4) {
    const n = frameLengths[i]!
    out[at] = n & 0xff
    out[at + 1] = (n >>> 8) & 0xff
    out[at + 2] = (n >>> 16) & 0xff
    out[at + 3] = n >>> 24
  }
  return out
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
  // The shared primitive (src/shared/bytes.ts), the one crypto uses too.
  constantTimeEqual,
  encodeBatchHeader,
  encodeBatch: encodeBatchThrough(encodeBatchHeader, decode),
  decodeBatch,
  readBatchDirectory,
}
