import { bytesToBase64 } from '../../crypto/base64.js'
import { signProof } from '../../crypto/sign-proof.js'
import { PixstoreError } from '../../shared/errors.js'
import type { ImageInfo, ImageMeta, ImageRecord, ImageVariant } from '../../types/index.js'
import type { Keyring } from '../config/keyring.js'
import type { VersionKeys } from './seal-version.js'

/** What issuing a proof needs: the current secret's keys and the proof lifetime. */
export interface ProofIssuer {
  keyring: Pick<Keyring, 'current'>
  config: { proofTtlMs: number }
}

/** A fresh proof for `id` under the current secret; a bad scope is `ARGUMENT_INVALID`. */
export function issueProof(issuer: ProofIssuer, id: string, scope: string | undefined): Promise<string> {
  return signProof(issuer.keyring.current, { id, exp: Date.now() + issuer.config.proofTtlMs, scope })
}

/** The parts of a stored version a record shows (key material in clear comes from {@link VersionKeys}). */
export interface RecordedVersion {
  iv: Uint8Array
  tag: Uint8Array
  info?: ImageInfo
  variants?: { name: string; iv: Uint8Array; tag: Uint8Array; info: ImageInfo }[]
}

const metaOf = (key: Uint8Array, iv: Uint8Array, tag: Uint8Array): ImageMeta => ({ key: bytesToBase64(key), iv: bytesToBase64(iv), tag: bytesToBase64(tag) })

/**
 * The public record of one version, with a fresh proof (it covers the variants too), its media facts
 * when it has them (a version stored before they existed has no `info` key at all), and
 * `variants: { name: { meta, info } }` when it has variants. Every variant of the version needs its
 * raw key in `keys.variantKeys`.
 *
 * @example
 * ```ts
 * return toImageRecord(state, id, token, version, { key, variantKeys })
 * ```
 */
export async function toImageRecord(
  issuer: ProofIssuer,
  id: string,
  token: number,
  version: RecordedVersion,
  keys: VersionKeys,
  scope?: string,
): Promise<ImageRecord> {
  const record: ImageRecord = {
    id,
    token,
    meta: metaOf(keys.key, version.iv, version.tag),
    statelessProof: await issueProof(issuer, id, scope),
  }
  if (version.info !== undefined) record.info = { ...version.info }
  if (version.variants !== undefined && version.variants.length > 0) {
    // A plain object (records travel as JSON); names are checked to isVariantName, so none can be
    // __proto__ or another special key.
    const variants: Record<string, ImageVariant> = {}
    for (const v of version.variants) {
      const key = keys.variantKeys.get(v.name)
      if (key === undefined) throw new PixstoreError('STORAGE_ERROR', 'a variant of this version has no key')
      variants[v.name] = { meta: metaOf(key, v.iv, v.tag), info: { ...v.info } }
    }
    record.variants = variants
  }
  return record
}
