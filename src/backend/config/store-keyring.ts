// The keyring init starts with, checked against the store it opened: every key id the stored images'
// keys are wrapped under must be one the configured secrets derive. Otherwise the backend would start
// and answer every old image with InvalidProof / SECRET_INVALID while imageExists still says true, so
// it refuses, naming the cause and the fix. A key id is HKDF output, not the secret: it may be shown.
import { PixstoreError } from '../../shared/errors.js'
import type { StorageAdapter } from '../storage/contract.js'
import type { ResolvedBackendConfig } from './backend-config.js'
import { createKeyring, type Keyring } from './keyring.js'
import { loadSecrets, type SecretSource } from './load-secrets.js'

const SEE = 'see "Recovering from a lost or changed secret" in the README'
const list = (ids: string[]) => ids.map((id) => `"${id}"`).join(', ')
const images = (n: number) => (n === 1 ? '1 stored image has its key' : `${n} stored images have their keys`)

/**
 * Loads the secrets, derives the keyring and checks it opens every image in `storage` (open). A
 * secret file is generated only for an empty store. Throws `SECRET_MISSING` (no secret configured,
 * no secret file, images stored) or `SECRET_MISMATCH` (images under a key id no configured secret
 * derives), each saying which images, what is wrong and how to fix it.
 *
 * @example
 * ```ts
 * await storage.open()
 * const keyring = await keyringForStore(resolvedConfig, storage)
 * ```
 */
export async function keyringForStore(config: ResolvedBackendConfig, storage: StorageAdapter, env: NodeJS.ProcessEnv = process.env): Promise<Keyring> {
  const stored = await storage.keyIds()
  const { current, previous, source } = await loadSecrets(config, { mayGenerate: stored.length === 0 }, env)
  if (current === null) {
    const n = await storage.countByKeyIds(stored)
    throw new PixstoreError(
      'SECRET_MISSING',
      `${images(n)} wrapped under key id(s) ${list(stored)}, but no secret is configured (neither \`secret\` nor PIXSTORE_SECRET) ` +
        'and the secret file in dataDir is missing; a new secret could not open them, so none was generated. ' +
        `Restore the secret file from a backup, or set the secret the images were written with as \`secret\` or PIXSTORE_SECRET (${SEE})`,
    )
  }
  const keyring = await createKeyring(current, previous)
  const unknown = stored.filter((id) => keyring.get(id) === undefined)
  if (unknown.length > 0) {
    const n = await storage.countByKeyIds(unknown)
    throw new PixstoreError('SECRET_MISMATCH', mismatchMessage(n, unknown, keyring, source, previous.length > 0))
  }
  return keyring
}

function mismatchMessage(n: number, unknown: string[], keyring: Keyring, source: SecretSource, hasPrevious: boolean): string {
  const name = source === 'secret' ? '`secret`' : source
  const configured = `${name}${hasPrevious ? ' and previousSecrets' : ''}, key id(s) ${list(keyring.keyIds())}`
  return (
    `${images(n)} wrapped under key id(s) ${list(unknown)}, which none of the configured secrets (${configured}) derives: ` +
    `${name} differs from the secret they were written with, or that secret was removed from previousSecrets before ` +
    'rewrapImageKeys() moved them. Set the secret they were written with as `secret`, or add it to `previousSecrets` ' +
    `(then rewrapImageKeys() moves the images to the current one) (${SEE})`
  )
}
