import { abytes } from '../../shared/bytes.js'
import { MAX_BATCH_ITEMS, SUCCESS_HEADER_LENGTH, UPDATED_HEADER_LENGTH } from '../../shared/protocol.js'
import { WireState, type WirePayload } from '../../types/index.js'
import type { UpdatedHeader, WireCodec } from '../contract.js'
import {
  ERR_EMPTY,
  ERR_TOKEN_RANGE,
  ERR_TRAILING_BYTES,
  ERR_TRUNCATED,
  batchError,
  batchFrameLengths,
  checkBatchHead,
  declaredDirectoryLength,
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
  splitBatch,
  tokenRangeError,
  trailingBytesError,
  truncatedError,
  unknownStateError,
} from '../wire-checks.js'

// The binding: raw exports of one instance, called once per operation, no loader glue and no
// allocation besides the result objects and views the contract returns.

interface CodecExports {
  memory: WebAssembly.Memory
  scratchOffset(): number
  scratchSize(): number
  decodeFrame(length: number): number
  encodeToken(token: number): number
  tokensEqual(a: number, b: number): number
  constantTimeDiff(length: number, acc: number): number
  checkBatch(length: number): number
  encodeBatchHeader(count: number): number
}

// Bytes of a frame the WASM side reads: state + token.
const PROBE_LENGTH = 9
// Where in the scratch encodeBatchHeader reads the frame lengths (f64); see assembly/index.ts.
const BATCH_LENGTHS_AT = 1040

/**
 * Instantiates `module` (the embedded codec module) and returns the WASM codec bound to it; an
 * existing instance is used as is (tests grow its memory to check no view goes stale).
 * Synchronous: the module is < 4 KiB, which browsers allow on the main thread.
 *
 * @example
 * ```ts
 * const codec = createWasmCodec(new WebAssembly.Module(wasmModuleBytes()))
 * codec.decodeWirePayload(Uint8Array.of(0, 42)).state // 0
 * ```
 */
export function createWasmCodec(module: WebAssembly.Module | WebAssembly.Instance): WireCodec {
  const instance = module instanceof WebAssembly.Instance ? module : new WebAssembly.Instance(module, {})
  const exports = instance.exports as unknown as CodecExports
  const offset = exports.scratchOffset()
  const size = exports.scratchSize()
  const half = size >> 1

  let scratch: Uint8Array
  let scratchHigh: Uint8Array
  let tokenHeader: Uint8Array
  let batchLengths: Float64Array
  // The ONLY place views on WASM memory are made. Growing a memory detaches its old buffer (views
  // then read length 0); memory is capped at one page so that never happens, but if a future build
  // lifts the cap, every caller still goes through this check first.
  function views(): Uint8Array {
    if (scratch === undefined || scratch.length === 0) {
      const buffer = exports.memory.buffer
      scratch = new Uint8Array(buffer, offset, size)
      scratchHigh = new Uint8Array(buffer, offset + half, half)
      tokenHeader = new Uint8Array(buffer, offset, PROBE_LENGTH)
      batchLengths = new Float64Array(buffer, offset + BATCH_LENGTHS_AT, MAX_BATCH_ITEMS)
    }
    return scratch
  }
  views()

  function decode(bytes: Uint8Array): WirePayload {
    abytes(bytes, 'wire payload', 'WIRE_INVALID_INPUT')
    const length = bytes.length
    const s = scratch.length === 0 ? views() : scratch
    // Only an Updated frame's token bytes matter to the check; for every other frame the state byte
    // (undefined, stored as 0, when the frame is empty: WASM sees length 0 first) is all it reads.
    const first = bytes[0]!
    s[0] = first
    if (first === WireState.Updated && length >= PROBE_LENGTH) {
      s[1] = bytes[1]!
      s[2] = bytes[2]!
      s[3] = bytes[3]!
      s[4] = bytes[4]!
      s[5] = bytes[5]!
      s[6] = bytes[6]!
      s[7] = bytes[7]!
      s[8] = bytes[8]!
    }
    const result = exports.decodeFrame(length)
    if (result < 0) throw decodeError(result, bytes, length)
    const state = bytes[0]!
    if (state === WireState.Success) return { state, ciphertext: bytes.subarray(SUCCESS_HEADER_LENGTH) }
    if (state === WireState.Updated) {
      return {
        state,
        token: result,
        key: bytes.subarray(9, 41),
        iv: bytes.subarray(41, 53),
        tag: bytes.subarray(53, 69),
        ciphertext: bytes.subarray(UPDATED_HEADER_LENGTH),
      }
    }
    return { state } as WirePayload
  }

  function decodeError(status: number, bytes: Uint8Array, length: number) {
    if (status === ERR_EMPTY) return emptyError()
    if (status === ERR_TRUNCATED) return truncatedError(length)
    if (status === ERR_TRAILING_BYTES) return trailingBytesError(bytes[0]!, length)
    if (status === ERR_TOKEN_RANGE) return tokenRangeError()
    return unknownStateError(bytes[0])
  }

  // Validates the token in WASM, which leaves `[1][token u64 LE]` in the scratch for the copy.
  function checkToken(token: unknown): void {
    if (typeof token !== 'number' || exports.encodeToken(token) !== 0) throw tokenRangeError()
  }

  // Callers read every header field ONCE, before checkToken: no getter can then run (and re-enter
  // the codec, overwriting the scratch) between WASM writing the token bytes and their copy here.
  function writeCheckedHeader(frame: Uint8Array, key: Uint8Array, iv: Uint8Array, tag: Uint8Array): Uint8Array {
    if (tokenHeader.length === 0) views()
    frame.set(tokenHeader, 0)
    frame.set(key, 9)
    frame.set(iv, 41)
    frame.set(tag, 53)
    return frame.subarray(UPDATED_HEADER_LENGTH)
  }

  function writeHeader(frame: Uint8Array, header: UpdatedHeader | null): Uint8Array {
    checkHeaderObject(header)
    if (header === null) {
      checkTargetFrame(frame, SUCCESS_HEADER_LENGTH)
      frame[0] = WireState.Success
      return frame.subarray(SUCCESS_HEADER_LENGTH)
    }
    const { token, key, iv, tag } = header
    checkToken(token)
    checkKeyIvTag(key, iv, tag)
    checkTargetFrame(frame, UPDATED_HEADER_LENGTH)
    return writeCheckedHeader(frame, key, iv, tag)
  }

  function createFrame(header: UpdatedHeader | null, ciphertextLength: number) {
    checkCiphertextLength(ciphertextLength)
    checkHeaderObject(header)
    if (header === null) {
      // A fresh frame is zero-filled, and 0 is the Success state byte: nothing for WASM to do.
      const frame = new Uint8Array(SUCCESS_HEADER_LENGTH + ciphertextLength)
      return { frame, body: frame.subarray(SUCCESS_HEADER_LENGTH) }
    }
    const { token, key, iv, tag } = header
    checkToken(token)
    checkKeyIvTag(key, iv, tag)
    const frame = new Uint8Array(UPDATED_HEADER_LENGTH + ciphertextLength)
    return { frame, body: writeCheckedHeader(frame, key, iv, tag) }
  }

  const encode = encodeThroughFrame(createFrame)

  function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
    abytes(a, 'compared value', 'WIRE_INVALID_INPUT')
    abytes(b, 'compared value', 'WIRE_INVALID_INPUT')
    if (a.length !== b.length) return false
    const low = scratch.length === 0 ? views() : scratch
    // MACs fit in one call; longer inputs go through in half-scratch chunks, still branch-free on data.
    let acc = 0
    let start = 0
    do {
      const end = Math.min(start + half, a.length)
      const whole = start === 0 && end === a.length
      low.set(whole ? a : a.subarray(start, end), 0)
      scratchHigh.set(whole ? b : b.subarray(start, end), 0)
      acc = exports.constantTimeDiff(end - start, acc)
      start = end
    } while (start < a.length)
    return acc === 0
  }

  // The directory check runs in WASM over a copy of the directory only (at most 4 + 4 * 256 bytes):
  // one call, whatever the frames weigh; the frames are then decoded from views, as single ones are.
  function decodeBatch(bytes: Uint8Array, expectedCount?: number): WirePayload[] {
    checkBatchInput(bytes, expectedCount)
    const length = bytes.length
    const s = scratch.length === 0 ? views() : scratch
    const copy = Math.min(length, declaredDirectoryLength(bytes))
    s.set(copy === length ? bytes : bytes.subarray(0, copy), 0)
    const count = exports.checkBatch(length)
    if (count < 0) throw batchError(count, bytes)
    return splitBatch(bytes, count, expectedCount, decode)
  }

  // The same directory check over the head of a container still arriving (see the contract).
  function readBatchDirectory(head: Uint8Array, totalLength: number, expectedCount?: number): number[] {
    checkBatchHead(head, totalLength, expectedCount)
    const s = scratch.length === 0 ? views() : scratch
    const copy = Math.min(head.length, declaredDirectoryLength(head))
    s.set(copy === head.length ? head : head.subarray(0, copy), 0)
    const count = exports.checkBatch(totalLength)
    if (count < 0) throw batchError(count, head, totalLength)
    return batchFrameLengths(head, count, expectedCount)
  }

  function encodeBatchHeader(frameLengths: readonly number[]): Uint8Array {
    checkBatchList(frameLengths, 'batch frame lengths')
    const s = scratch.length === 0 ? views() : scratch
    const count = frameLengths.length
    // A Float64Array would coerce a string or a boolean to a number: only numbers go in.
    let numbers = true
    for (let i = 0; i < count; i++) {
      const n = frameLengths[i]
      numbers &&= typeof n === 'number'
      batchLengths[i] = n as number
    }
    const written = numbers ? exports.encodeBatchHeader(count) : -1
    if (written < 0) checkFrameLengths(frameLengths) // throws the precise error
    return s.slice(0, written)
  }

  return {
    kind: 'wasm',
    encodeWirePayload: encode,
    decodeWirePayload: decode,
    createFrame,
    writeFrameHeader: writeHeader,
    tokensEqual: (a, b) => typeof a === 'number' && typeof b === 'number' && exports.tokensEqual(a, b) === 1,
    constantTimeEqual,
    encodeBatchHeader,
    encodeBatch: encodeBatchThrough(encodeBatchHeader, decode),
    decodeBatch,
    readBatchDirectory,
  }
}
