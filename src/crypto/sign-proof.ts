import { PixstoreError } from '../shared/errors.js'
import { bytesToBase64Url } from './base64.js'
import { PROOF_VERSION, proofMacInput } from './proof-format.js'
import type { SecretKeys } from './secret-keys.js'

/** What a proof authorises: one image id, until `exp` (ms since epoch), optionally for one scope. */
export interface ProofClaims {
  id: string
  exp: number
  scope?: string
}

/**
 * Signs a stateless proof `v1.<keyId>.<exp>.<mac>` (HMAC-SHA-256, base64url).
 *
 * @example
 * ```ts
 * const proof = await signProof(keys, { id: 'avatars:Qm9…', exp: Date.now() + 300_000, scope: 'user-42' })
 * ```
 */
export async function signProof(keys: Pick<SecretKeys, 'keyId' | 'proofKey'>, claims: ProofClaims): Promise<string> {
  const { id, exp, scope } = claims
  if (!Number.isSafeInteger(exp) || exp < 0) throw new PixstoreError('CONFIG_INVALID', 'proof expiry must be an integer (ms)')
  if (scope !== undefined && typeof scope !== 'string') throw new PixstoreError('CONFIG_INVALID', 'proof scope must be a string')
  const mac = await globalThis.crypto.subtle.sign('HMAC', keys.proofKey, proofMacInput(keys.keyId, id, exp, scope))
  return `${PROOF_VERSION}.${keys.keyId}.${exp}.${bytesToBase64Url(new Uint8Array(mac))}`
}
