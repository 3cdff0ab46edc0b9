// Proof first, before storage is touched: a verified (proof, id, scope) tuple is remembered so a
// client fetching many times within a proof's lifetime costs one HMAC.
import { verifyProof } from '../../crypto/verify-proof.js'
import { PixstoreError } from '../../shared/errors.js'
import { WireState } from '../../types/index.js'
import { stateFrame, type Frame } from './frame.js'
import type { ServeState } from './serve-state.js'

/**
 * `null` when `proof` authorises `id` for `scope` now, else the MissingProof / InvalidProof frame.
 * Errors other than a proof's own fault are thrown (the caller answers InternalError).
 *
 * @example
 * ```ts
 * const refused = await checkProof(state, id, proof, scope, Date.now())
 * if (refused) return refused
 * ```
 */
export async function checkProof(
  state: ServeState,
  id: string,
  proof: unknown,
  scope: string | undefined,
  now: number,
): Promise<Frame | null> {
  if (typeof proof === 'string' && state.proofCache.has(proof, id, scope, now)) return null
  try {
    const exp = await verifyProof(proof, { id, scope, now, maxTtlMs: state.config.proofTtlMs }, (kid) => state.keyring.get(kid)?.proofKey)
    state.proofCache.add(proof as string, id, scope, exp)
    return null
  } catch (e) {
    if (!(e instanceof PixstoreError)) throw e
    return stateFrame(e.code === 'PROOF_MISSING' ? WireState.MissingProof : WireState.InvalidProof, e)
  }
}
