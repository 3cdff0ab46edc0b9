// The generated secret: created once, whole, mode 0600, and the same for everyone who starts at once.
import { chmod, readdir, readFile, stat, writeFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { loadSecrets } from '../../src/backend/config/load-secrets.js'
import { makeTempDir, removeDir } from '../helpers/backend-fixture.js'

let dir: string
const noEnv = {} as NodeJS.ProcessEnv
const fromFile = (dataDir: string) => loadSecrets({ dataDir, secret: undefined, previousSecrets: [] }, noEnv)
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

beforeAll(async () => {
  dir = await makeTempDir('secret-file')
})
afterAll(async () => {
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
