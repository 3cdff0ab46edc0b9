// Where the secret comes from: config, else PIXSTORE_SECRET, else a random one generated once in
// `<dataDir>/secret` (mode 0600) and reused, so proofs survive restarts without any setup.
import { mkdir, open, readFile } from 'node:fs/promises'
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
  try {
    // `wx` fails if the file exists: two processes starting together both end up with the first one's.
    const handle = await open(file, 'wx', 0o600)
    try {
      await handle.writeFile(bytesToBase64Url(randomBytes(32)) + '\n')
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
  }
  for (let attempt = 0; ; attempt++) {
    const text = (await readFile(file, 'utf8')).trim()
    // Another process may have created the file a moment ago and not written it yet.
    if (text.length === 0 && attempt < 50) {
      await new Promise((r) => setTimeout(r, 20))
      continue
    }
    return secretBytes(text, 'the secret file in dataDir')
  }
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
