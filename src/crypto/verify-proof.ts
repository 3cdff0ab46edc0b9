import { constantTimeEqual } from '../shared/bytes.js'
import { PixstoreError } from '../shared/errors.js'
import { base64ToBytes } from './base64.js'
import { MAX_PROOF_LENGTH, PROOF_MAC_BYTES, PROOF_VERSION, proofMacInput } from './proof-format.js'

/** What the verifier expects the proof to be for. */
export interface ProofExpectation {
  id: string
  scope?: string
  /** Current time, ms since epoch. */
  now: number
  /** Longest lifetime any issuer gives a proof (ms); later expiries are refused. */
  maxTtlMs: number
  /** Tolerated clock difference between instances (ms). Default 30 s. */
  clockSkewMs?: number
}

// The expiry is the decimal the signer wrote (String(exp)): no leading zeros, so no proof has a
// second spelling that verifies too (and slips past caches keyed by the proof string).
const PROOF_SHAPE = /^v1\.([A-Za-z0-9_-]{8})\.(0|[1-9]\d{0,15})\.([A-Za-z0-9_-]{43})$/

/**
 * Verifies a stateless proof in constant time. Resolves with its expiry; rejects with a
 * PixstoreError whose code names the fault: PROOF_MISSING, PROOF_MALFORMED, PROOF_UNKNOWN_KEY,
 * PROOF_EXPIRED, PROOF_NOT_YET_VALID or PROOF_INVALID (wrong id, wrong scope, tampered).
 *
 * @example
 * ```ts
 * await verifyProof(proof, { id, now: Date.now(), maxTtlMs: 300_000 }, (kid) => keyring.get(kid)?.proofKey)
 * ```
 */
export async function verifyProof(
  proof: unknown,
  expected: ProofExpectation,
  proofKeyFor: (keyId: string) => CryptoKey | undefined,
): Promise<number> {
  if (proof === undefined || proof === null || proof === '') {
    throw new PixstoreError('PROOF_MISSING', 'no stateless proof was given')
  }
  if (typeof proof !== 'string' || proof.length > MAX_PROOF_LENGTH) {
    throw new PixstoreError('PROOF_MALFORMED', 'stateless proof is not a v1 proof string')
  }
  const m = PROOF_SHAPE.exec(proof)
  if (!m) throw new PixstoreError('PROOF_MALFORMED', `stateless proof is not a ${PROOF_VERSION} proof string`)
  const keyId = m[1]!
  const exp = Number(m[2]!)
  const mac = base64ToBytes(m[3]!)
  if (!mac || mac.length !== PROOF_MAC_BYTES || !Number.isSafeInteger(exp)) {
    throw new PixstoreError('PROOF_MALFORMED', 'stateless proof has a malformed field')
  }
  const key = proofKeyFor(keyId)
  if (!key) throw new PixstoreError('PROOF_UNKNOWN_KEY', 'stateless proof was signed with an unknown key id')
  if (exp <= expected.now) throw new PixstoreError('PROOF_EXPIRED', 'stateless proof has expired')
  if (exp > expected.now + expected.maxTtlMs + (expected.clockSkewMs ?? 30_000)) {
    throw new PixstoreError('PROOF_NOT_YET_VALID', 'stateless proof expires later than any proof this backend issues')
  }
  const want = new Uint8Array(
    await globalThis.crypto.subtle.sign('HMAC', key, proofMacInput(keyId, expected.id, exp, expected.scope)),
  )
  if (!constantTimeEqual(want, mac)) {
    throw new PixstoreError('PROOF_INVALID', 'stateless proof does not match this image and scope')
  }
  return exp
}
