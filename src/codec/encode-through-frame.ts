import { WireState, type WirePayload } from '../types/index.js'
import type { WireCodec } from './contract.js'
import { invalidInputError, notBytesError, unknownStateError } from './wire-errors.js'

/**
 * `encodeWirePayload` for a codec, written once over that codec's `createFrame`: the frame is
 * allocated with its header written, and the ciphertext is copied straight into it (one copy).
 * Both codecs share it, so they can only differ where their `createFrame` does.
 */
export function encodeThroughFrame(createFrame: WireCodec['createFrame']): WireCodec['encodeWirePayload'] {
  return function encode(payload: WirePayload): Uint8Array {
    if (payload === null || typeof payload !== 'object') {
      throw invalidInputError('wire payload must be an object with a state')
    }
    const state = payload.state
    if (state === WireState.Success || state === WireState.Updated) {
      const ciphertext = payload.ciphertext
      if (!(ciphertext instanceof Uint8Array)) throw notBytesError('ciphertext')
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
