import type { WirePayload } from '../types/index.js'

/** Header length of a Success frame: the state byte. */
export const SUCCESS_HEADER_LENGTH = 1
/** Header length of an Updated frame: state 1 + token 8 + key 32 + iv 12 + tag 16. */
export const UPDATED_HEADER_LENGTH = 69
export const KEY_LENGTH = 32
export const IV_LENGTH = 12
export const TAG_LENGTH = 16
/** Tokens travel as u64 LE but must stay exact in a JS number. */
export const MAX_TOKEN = Number.MAX_SAFE_INTEGER

/** The fields of an Updated frame header, as bytes. */
export interface UpdatedHeader {
  token: number
  key: Uint8Array
  iv: Uint8Array
  tag: Uint8Array
}

/**
 * One implementation of the wire codec. `pixstore/codec` has two (AssemblyScript/WASM and pure
 * TypeScript) that pass the same vectors and differential fuzzing; {@link selectCodec} picks one.
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
  /** Token equality (tokens are numbers ≤ 2^53−1). */
  tokensEqual(a: number, b: number): boolean
  /** Constant-time byte-string equality (time depends on length only), for proof MACs. */
  constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean
}
