import { SUCCESS_HEADER_LENGTH, UPDATED_HEADER_LENGTH } from '../shared/protocol.js'
import type { WirePayload } from '../types/index.js'

// The wire format's numbers live in src/shared/protocol.ts (the backend and frontend speak them too);
// pixstore/codec (index.ts) re-exports them under the names it has always exported.

/**
 * Bytes before the ciphertext in a frame: 1 for Success (`header` null), 69 for Updated — what to
 * reserve in front of the ciphertext when reading it, for `writeFrameHeader`.
 *
 * @example
 * ```ts
 * const room = frameHeaderLength(clientIsCurrent ? null : header) // 1 or 69
 * ```
 */
export function frameHeaderLength(header: UpdatedHeader | null): number {
  return header === null ? SUCCESS_HEADER_LENGTH : UPDATED_HEADER_LENGTH
}

/** The fields of an Updated frame header, as bytes. */
export interface UpdatedHeader {
  token: number
  key: Uint8Array
  iv: Uint8Array
  tag: Uint8Array
}

/**
 * One implementation of the wire codec. `pixstore/codec` has two (AssemblyScript/WASM and pure
 * TypeScript) that pass the same vectors and differential fuzzing, with the same error codes and
 * messages; `setCodec` / `PIXSTORE_CODEC` pick one (per operation in `auto` mode). The package-level
 * functions call the selected one.
 *
 * @example
 * ```ts
 * const wasm: WireCodec | null = getCodecImplementation('wasm')
 * wasm?.decodeWirePayload(Uint8Array.of(5)) // { state: 5 }
 * ```
 */
export interface WireCodec {
  readonly kind: 'wasm' | 'ts'
  /** Encodes any of the seven states into a fresh buffer. */
  encodeWirePayload(payload: WirePayload): Uint8Array
  /** Strict decode; the returned byte fields are views into `bytes` (no copy). */
  decodeWirePayload(bytes: Uint8Array): WirePayload
  /**
   * Hot path for servers: a fresh frame of header + `ciphertextLength` bytes with the header already
   * written (Success when `header` is null) and `body`, a view the caller fills with the ciphertext in
   * place, so the ciphertext is copied once, straight into the frame.
   */
  createFrame(header: UpdatedHeader | null, ciphertextLength: number): { frame: Uint8Array; body: Uint8Array }
  /**
   * Zero-copy variant: writes the header (Success when `header` is null) into the first bytes of
   * `frame`, a buffer whose ciphertext is already in place after the header, and returns the body
   * view. The ciphertext is not touched.
   */
  writeFrameHeader(frame: Uint8Array, header: UpdatedHeader | null): Uint8Array
  /** Token equality (tokens are numbers ≤ 2^53−1). */
  tokensEqual(a: number, b: number): boolean
  /** Constant-time byte-string equality (time depends on length only), for proof MACs. */
  constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean
  /** The batch container's `[0xBA][1][count u16 LE][len_i u32 LE]…` directory for frames of these lengths. */
  encodeBatchHeader(frameLengths: readonly number[]): Uint8Array
  /** A batch container of these v1 frames (each checked by the v1 decoder), one copy of each. */
  encodeBatch(frames: readonly Uint8Array[]): Uint8Array
  /** Strict decode of a batch container; every frame by the v1 decoder, byte fields views into `bytes`. */
  decodeBatch(bytes: Uint8Array, expectedCount?: number): WirePayload[]
  /**
   * decodeBatch's directory check over `head`, the first bytes of a container of `totalLength` bytes
   * still arriving (at least its directory): the frame lengths, in container order, so each frame
   * can be decoded as soon as its bytes are in. Same codes and messages as decodeBatch of the whole.
   */
  readBatchDirectory(head: Uint8Array, totalLength: number, expectedCount?: number): number[]
}
