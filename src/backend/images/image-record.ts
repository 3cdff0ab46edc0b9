import { bytesToBase64 } from '../../crypto/base64.js'
import { unwrapImageKey } from '../../crypto/key-wrap.js'
import { signProof } from '../../crypto/sign-proof.js'
import { PixstoreError } from '../../shared/errors.js'
import type { ImageRecord } from '../../types/index.js'
import type { BackendState } from '../backend-state.js'
import type { StoredImageHead } from '../storage/contract.js'

/** Unwraps a stored key with whichever configured secret wrapped it. */
export async function unwrapStoredKey(state: BackendState, head: StoredImageHead): Promise<Uint8Array> {
  const keys = state.keyring.get(head.keyId)
  if (!keys) {
    throw new PixstoreError('SECRET_INVALID', 'image key was wrapped by a secret that is not configured (add it to previousSecrets)')
  }
  return unwrapImageKey(keys.wrapKey, head.id, head.wrappedKey)
}

/** A fresh proof for `id` under the current secret. */
export function issueProof(state: BackendState, id: string, scope: string | undefined): Promise<string> {
  if (scope !== undefined && (typeof scope !== 'string' || scope.length > 512)) {
    throw new PixstoreError('CONFIG_INVALID', 'scope must be a string of at most 512 characters')
  }
  return signProof(state.keyring.current, { id, exp: Date.now() + state.config.proofTtlMs, scope })
}

/** The public record of one version, with a fresh proof. */
export async function toImageRecord(
  state: BackendState,
  id: string,
  token: number,
  key: Uint8Array,
  iv: Uint8Array,
  tag: Uint8Array,
  scope?: string,
): Promise<ImageRecord> {
  return {
    id,
    token,
    meta: { key: bytesToBase64(key), iv: bytesToBase64(iv), tag: bytesToBase64(tag) },
    statelessProof: await issueProof(state, id, scope),
  }
}
