// A wire answer in two parts, `header` then `body` (the stored ciphertext itself, never copied), so a
// transport can write both without joining them. One-byte state frames and the InternalError
// fallback are built here and nowhere else.
import { PixstoreError } from '../../shared/errors.js'
import { describeCause } from '../../shared/describe-cause.js'
import { WireState } from '../../types/index.js'

/** A wire frame: `header` (state byte, or the 69-byte Updated header) then `body` (or none). */
export interface Frame {
  state: WireState
  header: Uint8Array
  body: Uint8Array | null
  /** The PixstoreError behind an error state, for logs and getLastPixstoreError (never sent). */
  error?: PixstoreError
}

// Shared and never mutated: they are only ever written to a socket or copied.
const STATE_HEADERS = new Map<WireState, Uint8Array>()

function stateHeader(state: WireState): Uint8Array {
  let header = STATE_HEADERS.get(state)
  if (!header) STATE_HEADERS.set(state, (header = Uint8Array.of(state)))
  return header
}

/** A frame that is just a state byte, optionally with `body`. */
export function stateFrame(state: WireState, error?: PixstoreError, body: Uint8Array | null = null): Frame {
  return { state, header: stateHeader(state), body, error }
}

/**
 * The one InternalError fallback: whatever went wrong becomes state InternalError, and the error
 * kept for the application is a PixstoreError (the original, or one wrapping it as `cause`).
 */
export function internalErrorFrame(cause: unknown): Frame {
  const error =
    cause instanceof PixstoreError
      ? cause
      : new PixstoreError('STORAGE_ERROR', `unexpected failure while serving an image (${describeCause(cause)})`, { cause })
  return stateFrame(WireState.InternalError, error)
}

/** Total length of a frame on the wire. */
export function frameLength(frame: Frame): number {
  return frame.header.length + (frame.body ? frame.body.length : 0)
}

/**
 * The frame as one buffer (a copy when it has a body), for callers that need a single payload.
 *
 * @example
 * ```ts
 * res.end(joinFrame(frame))
 * ```
 */
export function joinFrame(frame: Frame): Uint8Array {
  if (!frame.body || frame.body.length === 0) return frame.header
  const out = new Uint8Array(frameLength(frame))
  out.set(frame.header, 0)
  out.set(frame.body, frame.header.length)
  return out
}
