// One secret yields three independent things through HKDF-SHA-256 (WebCrypto): a public key id, the
// HMAC key for proofs, and the AES key that wraps per-image keys at rest. The key id names the secret
// in proofs and rows without revealing anything about it (HKDF output, not the secret).
import { PixstoreError } from '../shared/errors.js'
import { bytesToBase64Url } from './base64.js'

/** Minimum secret length: 256 bits of entropy if random. */
export const MIN_SECRET_BYTES = 32

/** Keys derived from one secret. `keyId` is 8 base64url characters (48 bits). */
export interface SecretKeys {
  keyId: string
  /** HMAC-SHA-256 key for stateless proofs (non-extractable). */
  proofKey: CryptoKey
  /** AES-256-GCM key wrapping per-image keys at rest (non-extractable). */
  wrapKey: CryptoKey
}

const SALT = new TextEncoder().encode('pixstore-secret-v1')
const info = (label: string) => new TextEncoder().encode(`pixstore ${label}`)

/**
 * Derives the key id, the proof key and the key-wrapping key from a secret.
 *
 * @example
 * ```ts
 * const keys = await deriveSecretKeys(new TextEncoder().encode(process.env.PIXSTORE_SECRET!))
 * keys.keyId // e.g. 'q3xV0b_A'
 * ```
 */
export async function deriveSecretKeys(secret: Uint8Array): Promise<SecretKeys> {
  if (!(secret instanceof Uint8Array) || secret.length < MIN_SECRET_BYTES) {
    throw new PixstoreError('SECRET_INVALID', `secret must be at least ${MIN_SECRET_BYTES} bytes`)
  }
  const subtle = globalThis.crypto.subtle
  const base = await subtle.importKey('raw', secret as Uint8Array<ArrayBuffer>, 'HKDF', false, ['deriveBits', 'deriveKey'])
  const hkdf = (label: string) => ({ name: 'HKDF', hash: 'SHA-256', salt: SALT, info: info(label) })
  const idBits = new Uint8Array(await subtle.deriveBits(hkdf('key id'), base, 48))
  const proofKey = await subtle.deriveKey(hkdf('proof hmac'), base, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, [
    'sign',
  ])
  const wrapKey = await subtle.deriveKey(hkdf('image key wrap'), base, { name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ])
  return { keyId: bytesToBase64Url(idBits), proofKey, wrapKey }
}
