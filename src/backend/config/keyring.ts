import { deriveSecretKeys, type SecretKeys } from '../../crypto/secret-keys.js'

/** The current secret's keys (signs and wraps) and every accepted secret's keys by key id. */
export interface Keyring {
  current: SecretKeys
  get(keyId: string): SecretKeys | undefined
  /** Every accepted key id, the current one first. */
  keyIds(): string[]
}

/**
 * Derives the keys of the current and previous secrets.
 *
 * @example
 * ```ts
 * const ring = await createKeyring(current, [previous])
 * ring.get(proofKeyId)?.proofKey
 * ```
 */
export async function createKeyring(current: Uint8Array, previous: Uint8Array[]): Promise<Keyring> {
  const currentKeys = await deriveSecretKeys(current)
  const byId = new Map<string, SecretKeys>([[currentKeys.keyId, currentKeys]])
  for (const p of previous) {
    const keys = await deriveSecretKeys(p)
    if (!byId.has(keys.keyId)) byId.set(keys.keyId, keys)
  }
  return { current: currentKeys, get: (keyId) => byId.get(keyId), keyIds: () => [...byId.keys()] }
}
