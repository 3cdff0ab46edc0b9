// Where the secret comes from: config, else PIXSTORE_SECRET, else a random one generated once in
// `<dataDir>/secret` (mode 0600) and reused, so proofs survive restarts without any setup. A secret
// is generated for an empty store only: for a store holding images, a missing secret file means the
// secret their keys were wrapped with is gone, and a fresh one would only make every image unreadable.
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { bytesToBase64Url } from '../../crypto/base64.js'
import { randomBytes } from '../../crypto/aes-gcm.js'
import { MIN_SECRET_BYTES } from '../../crypto/secret-keys.js'
import { PixstoreError } from '../../shared/errors.js'
import type { SecretInput } from './backend-config.js'

const encoder = new TextEncoder()

/** Where the current secret came from, as messages name it. */
export type SecretSource = 'secret' | 'PIXSTORE_SECRET' | 'the secret file in dataDir'

function secretBytes(secret: SecretInput, name: string): Uint8Array {
  const bytes = typeof secret === 'string' ? encoder.encode(secret) : new Uint8Array(secret)
  if (bytes.length < MIN_SECRET_BYTES) {
    // The message names the setting, never the value.
    throw new PixstoreError('SECRET_INVALID', `${name} must be at least ${MIN_SECRET_BYTES} bytes (e.g. 43 base64url characters)`)
  }
  return bytes
}

const isMissing = (e: unknown) => (e as NodeJS.ErrnoException)?.code === 'ENOENT'

async function fileSecret(dataDir: string, mayCreate: boolean): Promise<Uint8Array | null> {
  try {
    return await readOrCreateFileSecret(dataDir, mayCreate)
  } catch (e) {
    if (e instanceof PixstoreError) throw e
    // Node's fs messages carry the full path; the cause keeps it for a debugger, the message does not.
    const code = (e as NodeJS.ErrnoException)?.code
    throw new PixstoreError('SECRET_INVALID', `could not create or read the secret file in dataDir${typeof code === 'string' ? ` (${code})` : ''}`, { cause: e })
  }
}

async function readOrCreateFileSecret(dataDir: string, mayCreate: boolean): Promise<Uint8Array | null> {
  const dir = resolve(dataDir)
  const file = join(dir, 'secret')
  if (mayCreate) await createFileSecret(dir, file)
  let mode: number
  try {
    ;({ mode } = await stat(file))
  } catch (e) {
    if (!mayCreate && isMissing(e)) return null
    throw e
  }
  if ((mode & 0o077) !== 0) {
    // Not fatal (the operator may have reasons), but worth saying once; the path and value stay out.
    console.warn('[pixstore] the secret file in dataDir is readable by other users; restrict it to its owner (chmod 600)')
  }
  const text = (await readFile(file, 'utf8')).trim()
  if (text.length === 0) {
    throw new PixstoreError('SECRET_INVALID', 'the secret file in dataDir is empty; restore it from a backup (or, if the store holds no images, delete it to generate a new secret)')
  }
  return secretBytes(text, 'the secret file in dataDir')
}

async function createFileSecret(dir: string, file: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  // Written whole to a private temporary file, then hard-linked into place: `link` fails if the
  // secret exists, so of two processes starting together both end up with the first one's, and a
  // crash or a full disk mid-write can never leave an empty or partial secret behind.
  const temporary = join(dir, `secret.${bytesToBase64Url(randomBytes(6))}.tmp`)
  try {
    const handle = await open(temporary, 'wx', 0o600)
    try {
      await handle.writeFile(bytesToBase64Url(randomBytes(32)) + '\n')
      await handle.sync()
    } finally {
      await handle.close()
    }
    await link(temporary, file).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e
    })
  } finally {
    await unlink(temporary).catch(() => {})
  }
}

/**
 * Resolves the current secret and the previous ones as bytes, and says where the current one came
 * from. The secret file is created only when `mayGenerate` (the store is empty); otherwise a missing
 * file gives `current: null`, for the caller to refuse with the store's details.
 *
 * @example
 * ```ts
 * const { current, previous, source } = await loadSecrets(
 *   { dataDir: './.pixstore', secret: undefined, previousSecrets: [] }, { mayGenerate: storeIsEmpty })
 * ```
 */
export async function loadSecrets(
  config: { dataDir: string; secret: SecretInput | undefined; previousSecrets: SecretInput[] },
  options: { mayGenerate: boolean },
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ current: Uint8Array | null; previous: Uint8Array[]; source: SecretSource }> {
  const previous = config.previousSecrets.map((s, i) => secretBytes(s, `previousSecrets[${i}]`))
  if (config.secret !== undefined) return { current: secretBytes(config.secret, 'secret'), previous, source: 'secret' }
  if (env.PIXSTORE_SECRET) return { current: secretBytes(env.PIXSTORE_SECRET, 'PIXSTORE_SECRET'), previous, source: 'PIXSTORE_SECRET' }
  return { current: await fileSecret(config.dataDir, options.mayGenerate), previous, source: 'the secret file in dataDir' }
}
