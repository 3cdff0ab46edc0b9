import { PixstoreError, type PixstoreErrorCode } from '../shared/errors.js'
import { WireState } from '../types/index.js'

const CODES: Record<number, [PixstoreErrorCode, string]> = {
  [WireState.NotFound]: ['STATE_NOT_FOUND', 'the endpoint has no image with this id'],
  [WireState.MissingID]: ['STATE_MISSING_ID', 'the endpoint got no image id'],
  [WireState.MissingProof]: ['STATE_MISSING_PROOF', 'the endpoint got no proof; the record needs a statelessProof'],
  [WireState.InvalidProof]: ['STATE_INVALID_PROOF', 'the endpoint rejected the proof: expired, issued for another image or another scope, signed by a key it no longer has, or altered (the answer does not say which)'],
  [WireState.InternalError]: ['STATE_INTERNAL_ERROR', 'the endpoint reported an internal error'],
}

/** The PixstoreError for a wire error state, one stable code per state. */
export function wireStateError(state: number, id: string): PixstoreError {
  const [code, message] = CODES[state] ?? (['WIRE_UNKNOWN_STATE', `unknown wire state ${state}`] as const)
  return new PixstoreError(code, `${message} (image ${JSON.stringify(id.slice(0, 64))})`)
}
