import { abytes } from '../shared/bytes.js'
import { PixstoreError } from '../shared/errors.js'
import { BATCH_MAGIC, BATCH_VERSION, IV_LENGTH, KEY_LENGTH, MAX_BATCH_ITEMS, TAG_LENGTH, UPDATED_HEADER_LENGTH } from '../shared/protocol.js'
import { WireState, type WirePayload } from '../types/index.js'
import type { UpdatedHeader, WireCodec } from './contract.js'

// What both codecs share: one constructor per fault, the input checks in the order both apply
// them, and the steps written once over a codec's own primitives. WASM and TS therefore fail with
// the same code AND the same message (the differential tests compare both) and can only differ
// where their primitives do.

// ---- statuses: what a check returns instead of throwing (the WASM exports return them too; keep
// in sync with assembly/index.ts). Any other negative decodeFrame status is an unknown state.
export const ERR_EMPTY = -1
export const ERR_TRUNCATED = -3
export const ERR_TRAILING_BYTES = -4
export const ERR_TOKEN_RANGE = -5
export const ERR_BATCH_MAGIC = -6
export const ERR_BATCH_VERSION = -7
export const ERR_BATCH_COUNT = -8
export const ERR_BATCH_ZERO_LENGTH = -9
export const ERR_BATCH_SUM = -10

// ---- errors
export const emptyError = (): PixstoreError => new PixstoreError('WIRE_EMPTY', 'wire payload is empty')

export const unknownStateError = (state: unknown): PixstoreError =>
  new PixstoreError('WIRE_UNKNOWN_STATE', `unknown wire state ${typeof state === 'number' ? state : typeof state}`)

export const truncatedError = (length: number): PixstoreError =>
  new PixstoreError('WIRE_TRUNCATED', `Updated frame needs a ${UPDATED_HEADER_LENGTH}-byte header, got ${length} bytes`)

export const trailingBytesError = (state: number, length: number): PixstoreError =>
  new PixstoreError('WIRE_TRAILING_BYTES', `state ${state} frame must be 1 byte, got ${length}`)

export const tokenRangeError = (): PixstoreError => new PixstoreError('WIRE_TOKEN_RANGE', 'token must be an integer from 0 to 2^53-1')

export const invalidInputError = (message: string): PixstoreError => new PixstoreError('WIRE_INVALID_INPUT', message)

// ---- v1 frame input checks

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
  abytes(key, 'key', 'WIRE_FIELD_LENGTH', KEY_LENGTH)
  abytes(iv, 'iv', 'WIRE_FIELD_LENGTH', IV_LENGTH)
  abytes(tag, 'tag', 'WIRE_FIELD_LENGTH', TAG_LENGTH)
}

/** Throws WIRE_INVALID_INPUT unless `frame` is a byte array with room for a header of `needed` bytes. */
export function checkTargetFrame(frame: unknown, needed: number): asserts frame is Uint8Array {
  abytes(frame, 'frame', 'WIRE_INVALID_INPUT')
  if (frame.length < needed) throw invalidInputError(`frame of ${frame.length} bytes has no room for a ${needed}-byte header`)
}

/**
 * `encodeWirePayload` for a codec, written once over that codec's `createFrame`: the frame is
 * allocated with its header written, and the ciphertext is copied straight into it (one copy).
 */
export function encodeThroughFrame(createFrame: WireCodec['createFrame']): WireCodec['encodeWirePayload'] {
  return function encode(payload: WirePayload): Uint8Array {
    if (payload === null || typeof payload !== 'object') throw invalidInputError('wire payload must be an object with a state')
    const state = payload.state
    if (state === WireState.Success || state === WireState.Updated) {
      const ciphertext = payload.ciphertext
      abytes(ciphertext, 'ciphertext', 'WIRE_INVALID_INPUT')
      const { frame, body } = createFrame(state === WireState.Success ? null : payload, ciphertext.length)
      body.set(ciphertext)
      return frame
    }
    if (typeof state === 'number' && state >= WireState.NotFound && state <= WireState.InternalError && Number.isInteger(state)) {
      return Uint8Array.of(state)
    }
    throw unknownStateError(state)
  }
}

// ---- batch container: [0xBA][1][count u16 LE][len_1 u32 LE]…[len_count u32 LE][frame_1]…[frame_count]

/** Bytes of the container's directory (magic, version, count, one u32 length per frame). */
export const batchDirectoryLength = (count: number): number => 4 + 4 * count

/**
 * The directory length a container starting with `head` declares, its count capped at
 * MAX_BATCH_ITEMS (4, the head, while `head` has fewer than 4 bytes): as many bytes as a reader must
 * hold before the directory can be checked, and never more than a valid one takes.
 */
export function declaredDirectoryLength(head: Uint8Array): number {
  return head.length < 4 ? 4 : batchDirectoryLength(Math.min(head[2]! | (head[3]! << 8), MAX_BATCH_ITEMS))
}

const MAX_FRAME_LENGTH = 0xffff_ffff

export const readU32 = (bytes: Uint8Array, at: number): number =>
  (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0

const countError = (count: number): PixstoreError =>
  new PixstoreError('WIRE_BATCH_COUNT', `batch count ${count} is outside 1..${MAX_BATCH_ITEMS}`)

/** Throws WIRE_INVALID_INPUT unless `bytes` is a Uint8Array and `expectedCount` absent or a count. */
export function checkBatchInput(bytes: unknown, expectedCount: unknown): asserts bytes is Uint8Array {
  abytes(bytes, 'batch container', 'WIRE_INVALID_INPUT')
  if (expectedCount !== undefined && (!Number.isInteger(expectedCount) || (expectedCount as number) < 1 || (expectedCount as number) > MAX_BATCH_ITEMS)) {
    throw invalidInputError(`expectedCount must be an integer from 1 to ${MAX_BATCH_ITEMS}`)
  }
}

/**
 * The error for a failed directory check (`status` from either codec's check). Only the failure
 * path reads the details (count, first empty item, sum) back from `bytes`, so both codecs report the
 * very same message while their success paths stay as lean as each can make them.
 */
export function batchError(status: number, bytes: Uint8Array, length: number = bytes.length): PixstoreError {
  const count = length >= 4 ? bytes[2]! | (bytes[3]! << 8) : 0
  const directory = batchDirectoryLength(count)
  switch (status) {
    case ERR_EMPTY:
      return new PixstoreError('WIRE_EMPTY', 'batch container is empty')
    case ERR_BATCH_MAGIC:
      return new PixstoreError('WIRE_BATCH_VERSION', `not a batch container: first byte ${bytes[0]}, expected ${BATCH_MAGIC}`)
    case ERR_BATCH_VERSION:
      return new PixstoreError('WIRE_BATCH_VERSION', `batch container version ${bytes[1]} is not supported (expected ${BATCH_VERSION})`)
    case ERR_TRUNCATED:
      return new PixstoreError(
        'WIRE_TRUNCATED',
        length < 4
          ? `batch container needs a 4-byte head, got ${length} bytes`
          : `batch container of ${count} items needs a ${directory}-byte directory, got ${length} bytes`,
      )
    case ERR_BATCH_COUNT:
      return countError(count)
    case ERR_BATCH_ZERO_LENGTH: {
      let i = 0
      while (readU32(bytes, 4 + 4 * i) !== 0) i++
      return new PixstoreError('WIRE_BATCH_LENGTHS', `batch item ${i} has length 0`)
    }
    default: {
      let sum = 0
      for (let i = 0; i < count; i++) sum += readU32(bytes, 4 + 4 * i)
      return new PixstoreError('WIRE_BATCH_LENGTHS', `batch item lengths add up to ${sum} bytes, but ${length - directory} follow the directory`)
    }
  }
}

/**
 * Throws WIRE_INVALID_INPUT unless `head` is a Uint8Array holding a container's first bytes, as many
 * as its directory takes (or all `totalLength` bytes, if fewer), `totalLength` a byte count, and
 * `expectedCount` absent or a count. What a codec's readBatchDirectory needs before its check.
 */
export function checkBatchHead(head: unknown, totalLength: unknown, expectedCount: unknown): asserts head is Uint8Array {
  checkBatchInput(head, expectedCount)
  if (!Number.isSafeInteger(totalLength) || (totalLength as number) < 0) throw invalidInputError('totalLength must be a byte count')
  const total = totalLength as number
  const needed = Math.min(total, declaredDirectoryLength(head))
  if (head.length < needed || head.length > total) {
    throw invalidInputError(`batch head holds ${head.length} bytes; a ${total}-byte container's directory needs ${needed}, and the head cannot be longer than the container`)
  }
}

/** WIRE_BATCH_COUNT unless a checked directory's `count` is the caller's `expectedCount` (when given). */
function checkExpectedCount(count: number, expectedCount: number | undefined): void {
  if (expectedCount !== undefined && count !== expectedCount) {
    throw new PixstoreError('WIRE_BATCH_COUNT', `batch has ${count} items, expected ${expectedCount}`)
  }
}

/** After a codec's directory check passed (`count` items): the frame lengths, in container order. */
export function batchFrameLengths(head: Uint8Array, count: number, expectedCount: number | undefined): number[] {
  checkExpectedCount(count, expectedCount)
  const out = new Array<number>(count)
  for (let i = 0; i < count; i++) out[i] = readU32(head, 4 + 4 * i)
  return out
}

/** A v1 error of item `index`, its code kept, its message prefixed with the item. */
function itemError(index: number, error: unknown): unknown {
  return error instanceof PixstoreError ? new PixstoreError(error.code, `batch item ${index}: ${error.message}`) : error
}

/**
 * After a codec's directory check passed (`count` items): each frame decoded by that codec's v1
 * decoder, as views into `bytes`, in container order.
 */
export function splitBatch(bytes: Uint8Array, count: number, expectedCount: number | undefined, decode: WireCodec['decodeWirePayload']): WirePayload[] {
  checkExpectedCount(count, expectedCount)
  const out = new Array<WirePayload>(count)
  let at = batchDirectoryLength(count)
  for (let i = 0; i < count; i++) {
    const n = readU32(bytes, 4 + 4 * i)
    try {
      out[i] = decode(bytes.subarray(at, at + n))
    } catch (error) {
      throw itemError(i, error)
    }
    at += n
  }
  return out
}

/** Throws unless `list` is an array of 1..MAX_BATCH_ITEMS entries (`what` names it). */
export function checkBatchList(list: unknown, what: string): asserts list is readonly unknown[] {
  if (!Array.isArray(list)) throw invalidInputError(`${what} must be an array`)
  if (list.length < 1 || list.length > MAX_BATCH_ITEMS) throw countError(list.length)
}

/** Throws WIRE_BATCH_LENGTHS for the first length that is not an integer in 1..2^32−1. */
export function checkFrameLengths(lengths: readonly unknown[]): void {
  for (let i = 0; i < lengths.length; i++) {
    const n = lengths[i]
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_FRAME_LENGTH) {
      throw new PixstoreError('WIRE_BATCH_LENGTHS', `batch item ${i} length must be an integer from 1 to ${MAX_FRAME_LENGTH}`)
    }
  }
}

/**
 * `encodeBatch` for a codec, over its own `encodeBatchHeader` and v1 decoder: every frame must be a
 * valid v1 frame (a server never sends a container the strict decoder refuses), then the directory
 * and one copy of each frame go into one buffer.
 */
export function encodeBatchThrough(encodeHeader: WireCodec['encodeBatchHeader'], decode: WireCodec['decodeWirePayload']): WireCodec['encodeBatch'] {
  return function encodeBatch(frames: readonly Uint8Array[]): Uint8Array {
    checkBatchList(frames, 'batch frames')
    // Read each entry once: the copy below uses exactly what was checked.
    const items = Array.from(frames)
    const lengths = new Array<number>(items.length)
    let total = 0
    for (let i = 0; i < items.length; i++) {
      const frame = items[i]
      abytes(frame, `batch item ${i}`, 'WIRE_INVALID_INPUT')
      try {
        decode(frame)
      } catch (error) {
        throw itemError(i, error)
      }
      lengths[i] = frame.length
      total += frame.length
    }
    const head = encodeHeader(lengths)
    const out = new Uint8Array(head.length + total)
    out.set(head)
    let at = head.length
    for (const frame of items) {
      out.set(frame, at)
      at += frame.length
    }
    return out
  }
}
