// The generated secret: created once, whole, mode 0600, and the same for everyone who starts at once.
import { chmod, readdir, readFile, rename, stat, writeFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { closePixstoreBackend, getImageRecord, imageExists, initPixstoreBackend, saveImage } from '../../src/backend/index.js'
import { loadSecrets } from '../../src/backend/config/load-secrets.js'
import { deriveSecretKeys } from '../../src/crypto/secret-keys.js'
import { makeTempDir, removeDir } from '../helpers/backend-fixture.js'
import { generateImage } from '../helpers/sample-images.js'

let dir: string
const noEnv = {} as NodeJS.ProcessEnv
const fromFile = async (dataDir: string) => {
  const { current } = await loadSecrets({ dataDir, secret: undefined, previousSecrets: [] }, { mayGenerate: true }, noEnv)
  return { current: current! }
}
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

const savedEnv = process.env.PIXSTORE_SECRET

beforeAll(async () => {
  dir = await makeTempDir('secret-file')
  // The generated-secret path is the one under test.
  delete process.env.PIXSTORE_SECRET
})
afterAll(async () => {
  await closePixstoreBackend()
  if (savedEnv !== undefined) process.env.PIXSTORE_SECRET = savedEnv
  await removeDir(dir)
})

describe('generated secret file', () => {
  it('twenty loads racing on a fresh dataDir agree on one secret, leave one 0600 file and no temporary', async () => {
    const dataDir = join(dir, 'race')
    const secrets = await Promise.all(Array.from({ length: 20 }, () => fromFile(dataDir)))
    expect(new Set(secrets.map((s) => hex(s.current))).size).toBe(1)
    expect(await readdir(dataDir)).toEqual(['secret'])
    expect((await stat(join(dataDir, 'secret'))).mode & 0o777).toBe(0o600)
    // Reused on the next start.
    expect(hex((await fromFile(dataDir)).current)).toBe(hex(secrets[0]!.current))
    expect((await readFile(join(dataDir, 'secret'), 'utf8')).trim().length).toBeGreaterThanOrEqual(43)
  })

  it('an empty secret file (left by an older version or a truncation) is SECRET_INVALID, not replaced', async () => {
    const dataDir = join(dir, 'empty')
    await mkdir(dataDir, { recursive: true })
    await writeFile(join(dataDir, 'secret'), '', { mode: 0o600 })
    await expect(fromFile(dataDir)).rejects.toMatchObject({ code: 'SECRET_INVALID' })
    expect(await readFile(join(dataDir, 'secret'), 'utf8')).toBe('')
  })

  it('a secret file readable by others still loads, with one warning that shows neither path nor value', async () => {
    const dataDir = join(dir, 'lax')
    const first = await fromFile(dataDir)
    await chmod(join(dataDir, 'secret'), 0o644)
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      expect(hex((await fromFile(dataDir)).current)).toBe(hex(first.current))
      expect(warn).toHaveBeenCalledTimes(1)
      const text = warn.mock.calls.flat().join(' ')
      expect(text).toContain('chmod 600')
      expect(text).not.toContain(dataDir)
      expect(text).not.toContain((await readFile(join(dataDir, 'secret'), 'utf8')).trim())
    } finally {
      warn.mockRestore()
    }
  })
})

describe('a lost secret file', () => {
  const cfg = (dataDir: string) => ({ dataDir, errorHandlingMode: 'throw', defaultEndpointEnabled: false }) as const

  it('on a store holding images: init refuses with SECRET_MISSING and generates no new secret; restored, all is readable', async () => {
    const dataDir = join(dir, 'lost')
    await initPixstoreBackend(cfg(dataDir))
    const saved = [(await saveImage(generateImage('png', { width: 4, height: 4, seed: 1 })))!, (await saveImage(generateImage('gif', { width: 3, height: 3 })))!]
    await closePixstoreBackend()
    const secretText = (await readFile(join(dataDir, 'secret'), 'utf8')).trim()
    const keyId = (await deriveSecretKeys(new TextEncoder().encode(secretText))).keyId
    await rename(join(dataDir, 'secret'), join(dir, 'secret.backup'))

    const error = await initPixstoreBackend(cfg(dataDir)).then(() => null, (e: Error & { code?: string }) => e)
    expect(error).toMatchObject({ name: 'PixstoreError', code: 'SECRET_MISSING' })
    expect(error!.message).toContain('2 stored images')
    expect(error!.message).toContain(`"${keyId}"`)
    expect(error!.message).toContain('secret file in dataDir is missing')
    expect(error!.message).toContain('Restore the secret file')
    expect(error!.message).not.toContain(dataDir)
    expect(error!.message).not.toContain(secretText)
    // No new secret: a fresh one would have made the images unreadable for good once written over.
    expect((await readdir(dataDir)).filter((f) => f.startsWith('secret'))).toEqual([])
    await expect(imageExists(saved[0]!.id)).rejects.toMatchObject({ code: 'NOT_INITIALIZED' })

    await rename(join(dir, 'secret.backup'), join(dataDir, 'secret'))
    await initPixstoreBackend(cfg(dataDir))
    for (const r of saved) expect((await getImageRecord(r.id))!.meta.key).toBe(r.meta.key)
    await closePixstoreBackend()
  })

  it('on an empty store: a secret is generated as before', async () => {
    const dataDir = join(dir, 'fresh')
    await initPixstoreBackend(cfg(dataDir))
    await closePixstoreBackend()
    expect((await stat(join(dataDir, 'secret'))).mode & 0o777).toBe(0o600)
  })
})
