import { bytesToBase64 } from '../../crypto/base64.js'
import { signProof } from '../../crypto/sign-proof.js'
import type { ImageInfo, ImageRecord } from '../../types/index.js'
import type { Keyring } from '../config/keyring.js'

/** What issuing a proof needs: the current secret's keys and the proof lifetime. */
export interface ProofIssuer {
  keyring: Pick<Keyring, 'current'>
  config: { proofTtlMs: number }
}

/** A fresh proof for `id` under the current secret; a bad scope is `ARGUMENT_INVALID`. */
export function issueProof(issuer: ProofIssuer, id: string, scope: string | undefined): Promise<string> {
  return signProof(issuer.keyring.current, { id, exp: Date.now() + issuer.config.proofTtlMs, scope })
}

/**
 * The public record of one version, with a fresh proof and, when the version has them, its media
 * facts (a version stored before they existed has no `info` key at all).
 *
 * @example
 * ```ts
 * return toImageRecord(state, id, token, key, version.iv, version.tag, undefined, version.info)
 * ```
 */
export async function toImageRecord(
  issuer: ProofIssuer,
  id: string,
  token: number,
  key: Uint8Array,
  iv: Uint8Array,
  tag: Uint8Array,
  scope?: string,
  info?: ImageInfo,
): Promise<ImageRecord> {
  const record: ImageRecord = {
    id,
    token,
    meta: { key: bytesToBase64(key), iv: bytesToBase64(iv), tag: bytesToBase64(tag) },
    statelessProof: await issueProof(issuer, id, scope),
  }
  if (info !== undefined) record.info = { ...info }
  return record
}
