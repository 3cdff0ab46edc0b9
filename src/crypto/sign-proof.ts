import { PixstoreError } from '../shared/errors.js'
import { bytesToBase64Url } from './base64.js'
import { PROOF_VERSION, proofMacInput } from './proof-format.js'
import { checkScope } from './proof-scope.js'
import type { SecretKeys } from './secret-keys.js'

/** What a proof authorises: one image id, until `exp` (ms since epoch), optionally for one scope. */
export interface ProofClaims {
  id: string
  exp: number
  scope?: string
}

/**
 * Signs a stateless proof `v1.<keyId>.<exp>.<mac>` (HMAC-SHA-256, base64url). A bad expiry or
 * scope is `ARGUMENT_INVALID` (a call argument, not a setting).
 *
 * @example
 * ```ts
 * const proof = await signProof(keys, { id: 'avatars:Qm9…', exp: Date.now() + 300_000, scope: 'user-42' })
 * ```
 */
export async function signProof(keys: Pick<SecretKeys, 'keyId' | 'proofKey'>, claims: ProofClaims): Promise<string> {
  const { id, exp } = claims
  if (!Number.isSafeInteger(exp) || exp < 0) throw new PixstoreError('ARGUMENT_INVALID', 'proof expiry must be a non-negative integer (ms)')
  const scope = checkScope(claims.scope)
  const mac = await globalThis.crypto.subtle.sign('HMAC', keys.proofKey, proofMacInput(keys.keyId, id, exp, scope))
  return `${PROOF_VERSION}.${keys.keyId}.${exp}.${bytesToBase64Url(new Uint8Array(mac))}`
}
