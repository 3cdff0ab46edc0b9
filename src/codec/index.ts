// `pixstore/codec`: the wire format v1 codec and its batch container (ARCHITECTURE.md §2), with two
// implementations, WASM and TS, selected by PIXSTORE_CODEC=wasm|ts|auto or setCodec(). Every public
// operation is here, documented; selection.ts decides who serves it. Browser-safe: no node: import.
import type { WirePayload } from '../types/index.js'
import type { UpdatedHeader, WireCodec } from './contract.js'
import { dispatch, selector, type CodecInfo, type CodecMode } from './selection.js'

export {
  SUCCESS_HEADER_LENGTH,
  UPDATED_HEADER_LENGTH,
  KEY_LENGTH,
  IV_LENGTH,
  TAG_LENGTH,
  MAX_TOKEN,
  BATCH_MAGIC,
  BATCH_VERSION,
  MAX_BATCH_ITEMS,
} from '../shared/protocol.js'
export { frameHeaderLength } from './contract.js'
export type { WireCodec, UpdatedHeader } from './contract.js'
export { WireState } from '../types/index.js'
export type { WirePayload, SuccessPayload, UpdatedPayload, ErrorPayload } from '../types/index.js'
export { CODEC_OPERATIONS } from './selection.js'
export type { CodecMode, CodecOperation, CodecInfo } from './selection.js'

/**
 * Encodes any of the seven wire states into a fresh frame (ARCHITECTURE.md §2). Throws a `PixstoreError`:
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

/**
 * Strictly decodes a wire frame. Byte fields are views into `bytes` (no copy), so the cost does not
 * depend on the ciphertext size. Throws a `PixstoreError`: `WIRE_INVALID_INPUT` (not a Uint8Array),
 * `WIRE_EMPTY`, `WIRE_UNKNOWN_STATE` (also for a batch container: decode those with `decodeBatch`),
 * `WIRE_TRUNCATED` (Updated shorter than its 69-byte header), `WIRE_TRAILING_BYTES` (bytes after a
 * one-byte state), `WIRE_TOKEN_RANGE` (token above 2^53−1).
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

/**
 * The server's hot path: a frame of header + `ciphertextLength` bytes with the header written
 * (Success when `header` is null, else Updated with token/key/iv/tag as bytes), and `body`, the view
 * to fill with the ciphertext — copied once, straight into the frame. Errors as `encodeWirePayload`.
 *
 * @example
 * ```ts
 * import { createFrame } from 'pixstore/codec'
 * const { frame, body } = createFrame(clientIsCurrent ? null : { token, key, iv, tag }, stored.length)
 * body.set(stored)
 * res.end(frame)
 * ```
 */
export function createFrame(header: UpdatedHeader | null, ciphertextLength: number): { frame: Uint8Array; body: Uint8Array } {
  return dispatch.createFrame(header, ciphertextLength)
}

/**
 * Zero-copy framing: writes the header (1 byte for Success when `header` is null, 69 for Updated)
 * into the start of `frame`, whose ciphertext the caller already placed right after that header
 * (reserve `frameHeaderLength(header)` bytes in front when reading it). Returns the body view.
 * Throws `WIRE_INVALID_INPUT` when `frame` is too short for the header, else as `encodeWirePayload`.
 *
 * @example
 * ```ts
 * import { writeFrameHeader, frameHeaderLength } from 'pixstore/codec'
 * const frame = new Uint8Array(frameHeaderLength(header) + size)
 * await file.read(frame, frameHeaderLength(header), size, 0)
 * writeFrameHeader(frame, header)
 * ```
 */
export function writeFrameHeader(frame: Uint8Array, header: UpdatedHeader | null): Uint8Array {
  return dispatch.writeFrameHeader(frame, header)
}

/**
 * True when `a` and `b` are both valid tokens (integers in 0..2^53−1) and equal. Anything else —
 * NaN, fractions, strings, negative numbers — is never equal, not even to itself.
 *
 * @example
 * ```ts
 * import { tokensEqual } from 'pixstore/codec'
 * if (tokensEqual(cached.token, record.token)) return cached // cache hit, no network
 * ```
 */
export function tokensEqual(a: number, b: number): boolean {
  return dispatch.tokensEqual(a, b)
}

/**
 * Byte-string equality whose time depends on the lengths only, never on where the bytes differ —
 * for comparing proof MACs. Different lengths are unequal (lengths are not secret). Throws
 * `WIRE_INVALID_INPUT` if either argument is not a Uint8Array. The TS implementation is the shared
 * primitive of `src/shared/bytes.ts` (what proof verification uses); the WASM one is its twin.
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

/**
 * The directory of a batch container, `[0xBA][1][count u16 LE][len_1 u32 LE]…[len_count u32 LE]`
 * (4 + 4·count bytes), for a server that sends the frames after it without copying them (writev).
 * Throws `WIRE_INVALID_INPUT` (not an array), `WIRE_BATCH_COUNT` (not 1..256 lengths) or
 * `WIRE_BATCH_LENGTHS` (a length that is not an integer in 1..2^32−1).
 *
 * @example
 * ```ts
 * import { encodeBatchHeader, createFrame } from 'pixstore/codec'
 * // Each item: its header frame, then its stored ciphertext untouched; the directory goes first.
 * const heads = items.map((it) => createFrame(it.header, 0).frame)
 * const chunks = [encodeBatchHeader(items.map((it, i) => heads[i].length + it.ciphertext.length))]
 * items.forEach((it, i) => chunks.push(heads[i], it.ciphertext))
 * ```
 */
export function encodeBatchHeader(frameLengths: readonly number[]): Uint8Array {
  return dispatch.encodeBatchHeader(frameLengths)
}

/**
 * A batch container of `frames` (v1 frames, in request order) in one buffer: the directory, then one
 * copy of each frame. Each frame must decode with the v1 decoder; if one does not, its v1 code is
 * thrown with the message prefixed `batch item <i>: `. Else errors as `encodeBatchHeader`.
 *
 * @example
 * ```ts
 * import { encodeBatch, encodeWirePayload, WireState } from 'pixstore/codec'
 * const body = encodeBatch([frameOfA, encodeWirePayload({ state: WireState.NotFound })])
 * ```
 */
export function encodeBatch(frames: readonly Uint8Array[]): Uint8Array {
  return dispatch.encodeBatch(frames)
}

/**
 * Strictly decodes a batch container into its payloads, in container order, each frame by the v1
 * decoder; byte fields are views into `bytes`. `expectedCount`, when given, must equal the count.
 * Throws a `PixstoreError`: `WIRE_INVALID_INPUT` (not a Uint8Array, bad `expectedCount`),
 * `WIRE_EMPTY`, `WIRE_BATCH_VERSION` (first byte not 0xBA, or version not 1), `WIRE_TRUNCATED`
 * (shorter than its directory), `WIRE_BATCH_COUNT` (count not 1..256, or not `expectedCount`),
 * `WIRE_BATCH_LENGTHS` (an item of length 0, lengths not adding up to exactly the bytes after the
 * directory), or an item's own v1 code (message prefixed `batch item <i>: `).
 *
 * @example
 * ```ts
 * import { decodeBatch } from 'pixstore/codec'
 * const payloads = decodeBatch(new Uint8Array(await response.arrayBuffer()), ids.length)
 * payloads.forEach((p, i) => p.state === 1 && cache.put(ids[i], p.token, p.ciphertext))
 * ```
 */
export function decodeBatch(bytes: Uint8Array, expectedCount?: number): WirePayload[] {
  return dispatch.decodeBatch(bytes, expectedCount)
}

/**
 * The directory check of a batch container still arriving: `head` is its first bytes (at least its
 * directory, `4 + 4 × count` bytes), `totalLength` the whole container's length (a Content-Length).
 * Returns the frame lengths in container order, so a reader can decode each frame with
 * `decodeWirePayload` as soon as its bytes are in, instead of waiting for the last. Throws exactly
 * what `decodeBatch` of the whole container would for its directory; `WIRE_INVALID_INPUT` when
 * `head` is shorter than the directory or longer than `totalLength`.
 *
 * @example
 * ```ts
 * import { decodeWirePayload, readBatchDirectory } from 'pixstore/codec'
 * const lengths = readBatchDirectory(received.subarray(0, 4 + 4 * count), contentLength, count)
 * let at = 4 + 4 * lengths.length
 * const first = decodeWirePayload(received.subarray(at, (at += lengths[0]))) // once those bytes are in
 * ```
 */
export function readBatchDirectory(head: Uint8Array, totalLength: number, expectedCount?: number): number[] {
  return dispatch.readBatchDirectory(head, totalLength, expectedCount)
}

/**
 * Switches the codec for every later call: `'wasm'`, `'ts'`, or `'auto'` (per operation, whichever
 * the committed benchmark table says is faster). Overrides `PIXSTORE_CODEC`. `'wasm'` instantiates
 * the module now; where WebAssembly cannot run (no WebAssembly, a CSP without 'wasm-unsafe-eval') it
 * throws `CODEC_UNAVAILABLE` and keeps the current mode: an explicit request for WASM is never served
 * by TS in secret (under `PIXSTORE_CODEC=wasm`, operations throw it instead). `'auto'` falls back to
 * TS with one console warning. Throws `CONFIG_INVALID` for any other value.
 *
 * @example
 * ```ts
 * import { setCodec, getCodecInfo } from 'pixstore/codec'
 * try { setCodec('wasm') } catch (e) { if (e.code === 'CODEC_UNAVAILABLE') setCodec('auto') }
 * getCodecInfo().operations.decodeWirePayload // 'wasm' after a successful setCodec('wasm')
 * ```
 */
export function setCodec(mode: CodecMode): void {
  selector.setCodec(mode)
}

/**
 * The selected codec mode (`'wasm' | 'ts' | 'auto'`); see `getCodecInfo()` for who actually serves
 * each operation.
 *
 * @example
 * ```ts
 * import { getCodec } from 'pixstore/codec'
 * getCodec() // 'auto' unless PIXSTORE_CODEC or setCodec() said otherwise
 * ```
 */
export function getCodec(): CodecMode {
  return selector.getCodec()
}

/**
 * The selected mode, the implementation assigned to each operation, the WASM status (`not-loaded`
 * until an operation assigned to WASM first runs, or `initCodec`/`setCodec('wasm')`; why it is
 * `unavailable`, if it is) and the benchmark ratios behind the `auto` table. For dashboards and demos.
 *
 * @example
 * ```ts
 * import { getCodecInfo } from 'pixstore/codec'
 * const { mode, operations, wasm } = getCodecInfo()
 * console.log(mode, operations.decodeWirePayload, wasm.status) // 'auto' 'ts' 'not-loaded'
 * ```
 */
export function getCodecInfo(): CodecInfo {
  return selector.getCodecInfo()
}

/**
 * Compiles and instantiates the WASM codec asynchronously, ahead of the first operation that needs
 * it. Optional: the module is < 4 KiB, which browsers also compile synchronously on first use. Never
 * rejects: where WASM cannot run it resolves with `wasm.status` `'unavailable'` (then `auto` uses TS
 * with one warning, and `wasm` mode throws `CODEC_UNAVAILABLE`).
 *
 * @example
 * ```ts
 * import { initCodec } from 'pixstore/codec'
 * const info = await initCodec()
 * info.wasm.status // 'ready' where WebAssembly is allowed ('wasm-unsafe-eval' under a CSP)
 * ```
 */
export function initCodec(): Promise<CodecInfo> {
  return selector.initCodec()
}

/**
 * One implementation regardless of the selection — for benchmarks and side-by-side comparisons.
 * Returns null for `'wasm'` when WebAssembly cannot be instantiated.
 *
 * @example
 * ```ts
 * import { getCodecImplementation } from 'pixstore/codec'
 * const wasm = getCodecImplementation('wasm')
 * wasm?.tokensEqual(7, 7) // true
 * ```
 */
export function getCodecImplementation(kind: 'wasm' | 'ts'): WireCodec | null {
  return selector.implementation(kind)
}
