import { dispatch } from './active-codec.js'
import type { UpdatedHeader } from './contract.js'

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
