// Where the secret comes from: config, else PIXSTORE_SECRET, else a random one generated once in
// `<dataDir>/secret` (mode 0600) and reused, so proofs survive restarts without any setup.
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { bytesToBase64Url } from '../../crypto/base64.js'
import { randomBytes } from '../../crypto/aes-gcm.js'
import { MIN_SECRET_BYTES } from '../../crypto/secret-keys.js'
import { PixstoreError } from '../../shared/errors.js'
import type { SecretInput } from './backend-config.js'

const encoder = new TextEncoder()

function secretBytes(secret: SecretInput, name: string): Uint8Array {
  const bytes = typeof secret === 'string' ? encoder.encode(secret) : new Uint8Array(secret)
  if (bytes.length < MIN_SECRET_BYTES) {
    // The message names the setting, never the value.
    throw new PixstoreError('SECRET_INVALID', `${name} must be at least ${MIN_SECRET_BYTES} bytes (e.g. 43 base64url characters)`)
  }
  return bytes
}

async function fileSecret(dataDir: string): Promise<Uint8Array> {
  try {
    return await readOrCreateFileSecret(dataDir)
  } catch (e) {
    if (e instanceof PixstoreError) throw e
    // Node's fs messages carry the full path; the cause keeps it for a debugger, the message does not.
    throw new PixstoreError('SECRET_INVALID', 'could not create or read the secret file in dataDir', { cause: e })
  }
}

async function readOrCreateFileSecret(dataDir: string): Promise<Uint8Array> {
  const dir = resolve(dataDir)
  const file = join(dir, 'secret')
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
  const { mode } = await stat(file)
  if ((mode & 0o077) !== 0) {
    // Not fatal (the operator may have reasons), but worth saying once; the path and value stay out.
    console.warn('[pixstore] the secret file in dataDir is readable by other users; restrict it to its owner (chmod 600)')
  }
  const text = (await readFile(file, 'utf8')).trim()
  if (text.length === 0) {
    throw new PixstoreError('SECRET_INVALID', 'the secret file in dataDir is empty; restore it, or delete it to generate a new secret')
  }
  return secretBytes(text, 'the secret file in dataDir')
}

/**
 * Resolves the current secret and the previous ones as bytes.
 *
 * @example
 * ```ts
 * const { current, previous } = await loadSecrets({ dataDir: './.pixstore', secret: undefined, previousSecrets: [] })
 * ```
 */
export async function loadSecrets(
  config: { dataDir: string; secret: SecretInput | undefined; previousSecrets: SecretInput[] },
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ current: Uint8Array; previous: Uint8Array[] }> {
  const previous = config.previousSecrets.map((s, i) => secretBytes(s, `previousSecrets[${i}]`))
  if (config.secret !== undefined) return { current: secretBytes(config.secret, 'secret'), previous }
  if (env.PIXSTORE_SECRET) return { current: secretBytes(env.PIXSTORE_SECRET, 'PIXSTORE_SECRET'), previous }
  return { current: await fileSecret(config.dataDir), previous }
}
