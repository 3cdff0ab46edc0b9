import { dispatch } from './active-codec.js'
import type { UpdatedHeader } from './contract.js'

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
export function createFrame(
  header: UpdatedHeader | null,
  ciphertextLength: number,
): { frame: Uint8Array; body: Uint8Array } {
  return dispatch.createFrame(header, ciphertextLength)
}
