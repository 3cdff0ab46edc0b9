// Image keys are stored wrapped under a key derived from the secret: the database file alone
// reveals no image key, and rotating the secret keeps every image readable.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  closePixstoreBackend,
  customEndpointHelper,
  getImageRecord,
  imageExists,
  initPixstoreBackend,
  rewrapImageKeys,
  saveImage,
  updateImage,
} from '../../src/backend/index.js'
import { base64ToBytes } from '../../src/crypto/base64.js'
import { WRAPPED_KEY_BYTES, wrapImageKey } from '../../src/crypto/key-wrap.js'
import { deriveSecretKeys } from '../../src/crypto/secret-keys.js'
import { WireState, type ImageRecord } from '../../src/types/index.js'
import { browserDecrypt, makeTempDir, OLD_SECRET, OTHER_SECRET, removeDir, TEST_SECRET } from '../helpers/backend-fixture.js'
import { generateImage } from '../helpers/sample-images.js'
import { rejection } from '../helpers/rejection.js'

let dir: string
const cfg = (secret: string, previousSecrets: string[] = []) =>
  ({ dataDir: dir, secret, previousSecrets, errorHandlingMode: 'throw', defaultEndpointEnabled: false }) as const

async function dump(): Promise<Buffer> {
  // Everything on disk: main file and WAL (committed rows may still live only in the WAL).
  const parts = await Promise.all(['pixstore.sqlite', 'pixstore.sqlite-wal'].map((f) => readFile(join(dir, f)).catch(() => Buffer.alloc(0))))
  return Buffer.concat(parts)
}

function keyIdsInDb(): string[] {
  const db = new Database(join(dir, 'pixstore.sqlite'), { readonly: true })
  try {
    return (db.prepare('SELECT key_id FROM pixstore_images').all() as { key_id: string }[]).map((r) => r.key_id)
  } finally {
    db.close()
  }
}


async function readable(record: ImageRecord, image: Uint8Array): Promise<boolean> {
  const fresh = (await getImageRecord(record.id))!
  const out = await browserDecrypt(await customEndpointHelper(record.id, undefined, fresh.statelessProof), fresh)
  return Buffer.from(out.image).equals(Buffer.from(image))
}

beforeAll(async () => {
  dir = await makeTempDir('keys')
})
afterAll(async () => {
  await closePixstoreBackend()
  await removeDir(dir)
})

describe('keys at rest', () => {
  const images = Array.from({ length: 6 }, (_, i) => generateImage('png', { width: 5, height: 5, seed: 40 + i }))
  const records: ImageRecord[] = []

  it('a database dump contains no image key, raw or base64', async () => {
    await initPixstoreBackend(cfg(OLD_SECRET))
    for (const image of images) records.push((await saveImage(image))!)
    const bytes = await dump()
    expect(bytes.length).toBeGreaterThan(0)
    for (const r of records) {
      const key = Buffer.from(base64ToBytes(r.meta.key)!)
      expect(key.length).toBe(32)
      expect(bytes.indexOf(key)).toBe(-1)
      expect(bytes.indexOf(Buffer.from(r.meta.key))).toBe(-1)
      // The ciphertext is in the dump (sanity: the search would find stored bytes).
      expect(bytes.indexOf(Buffer.from(base64ToBytes(r.meta.iv)!))).toBeGreaterThan(-1)
    }
    // The secret is not in the database either.
    expect(bytes.indexOf(Buffer.from(OLD_SECRET))).toBe(-1)
    const oldKid = (await deriveSecretKeys(new TextEncoder().encode(OLD_SECRET))).keyId
    expect(new Set(keyIdsInDb())).toEqual(new Set([oldKid]))
  })

  it('a wrapped key moved to another row does not unwrap there', async () => {
    const db = new Database(join(dir, 'pixstore.sqlite'))
    try {
      const a = db.prepare('SELECT wrapped_key FROM pixstore_images WHERE id = ?').get(records[0]!.id) as { wrapped_key: Buffer }
      db.prepare('UPDATE pixstore_images SET wrapped_key = ? WHERE id = ?').run(a.wrapped_key, records[5]!.id)
    } finally {
      db.close()
    }
    await expect(getImageRecord(records[5]!.id)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' })
    expect((await customEndpointHelper(records[5]!.id, undefined, records[5]!.statelessProof))[0]).toBe(WireState.InternalError)
    // Put the image back in a valid state for the next tests.
    records[5] = (await updateImage(records[5]!.id, images[5]!))!
    await closePixstoreBackend()
  })

  it('after rotation every image stays readable; updates rewrap lazily; rewrapImageKeys does the rest', async () => {
    await initPixstoreBackend(cfg(TEST_SECRET, [OLD_SECRET]))
    const newKid = (await deriveSecretKeys(new TextEncoder().encode(TEST_SECRET))).keyId
    for (let i = 0; i < records.length; i++) expect(await readable(records[i]!, images[i]!)).toBe(true)
    // A proof signed before rotation is still accepted.
    expect((await customEndpointHelper(records[0]!.id, records[0]!.token, records[0]!.statelessProof))[0]).toBe(WireState.Success)

    const v2 = generateImage('gif', { width: 4, height: 4, seed: 1 })
    records[0] = (await updateImage(records[0]!.id, v2))!
    images[0] = v2
    expect(keyIdsInDb().filter((k) => k === newKid)).toHaveLength(1)

    expect(await rewrapImageKeys()).toBe(5)
    expect(new Set(keyIdsInDb())).toEqual(new Set([newKid]))
    expect(await rewrapImageKeys()).toBe(0)
    await closePixstoreBackend()

    // The old secret can now go: everything is readable with the new one alone.
    await initPixstoreBackend(cfg(TEST_SECRET))
    for (let i = 0; i < records.length; i++) expect(await readable(records[i]!, images[i]!)).toBe(true)
    await closePixstoreBackend()
  })

  it('a secret that opens none of the stored images is refused at init, naming the key id, the count and the fix', async () => {
    const oldKid = (await deriveSecretKeys(new TextEncoder().encode(TEST_SECRET))).keyId
    const error = await rejection(initPixstoreBackend(cfg('a-brand-new-secret-0123456789abcdefghijklmnopq')))
    expect(error).toMatchObject({ name: 'PixstoreError', code: 'SECRET_MISMATCH' })
    expect(error.message).toContain(`"${oldKid}"`)
    expect(error.message).toContain('6 stored images')
    expect(error.message).toContain('`secret` differs')
    expect(error.message).toContain('previousSecrets')
    expect(error.message).not.toContain('a-brand-new-secret')
    expect(error.message).not.toContain(TEST_SECRET)
    // Nothing was started: no "exists but unreadable" answers.
    expect(await rejection(imageExists(records[1]!.id))).toMatchObject({ code: 'NOT_INITIALIZED' })
  })

  it('so is a PIXSTORE_SECRET that differs, and the right one then opens everything', async () => {
    const saved = process.env.PIXSTORE_SECRET
    process.env.PIXSTORE_SECRET = 'another-env-secret-0123456789abcdefghijklmnop'
    try {
      const { secret: _omit, ...noSecret } = cfg(TEST_SECRET)
      const error = await rejection(initPixstoreBackend(noSecret))
      expect(error).toMatchObject({ code: 'SECRET_MISMATCH' })
      expect(error.message).toContain('PIXSTORE_SECRET differs')
      process.env.PIXSTORE_SECRET = TEST_SECRET
      await initPixstoreBackend(noSecret)
      for (let i = 0; i < records.length; i++) expect(await readable(records[i]!, images[i]!)).toBe(true)
    } finally {
      if (saved === undefined) delete process.env.PIXSTORE_SECRET
      else process.env.PIXSTORE_SECRET = saved
      await closePixstoreBackend()
    }
  })

  it('also when only some images are under a dropped secret (previousSecrets emptied before rewrapping)', async () => {
    // Rotate again, rewrap one image only by updating it, then drop the old secret too early.
    await initPixstoreBackend(cfg(OTHER_SECRET, [TEST_SECRET]))
    records[2] = (await updateImage(records[2]!.id, images[2]!))!
    await closePixstoreBackend()
    const error = await rejection(initPixstoreBackend(cfg(OTHER_SECRET)))
    expect(error).toMatchObject({ code: 'SECRET_MISMATCH' })
    expect(error.message).toContain('5 stored images')
    await initPixstoreBackend(cfg(OTHER_SECRET, [TEST_SECRET]))
    for (let i = 0; i < records.length; i++) expect(await readable(records[i]!, images[i]!)).toBe(true)
    await closePixstoreBackend()
  })
})

describe('key wrapping arguments', () => {
  it('wrapping a key of the wrong length is ARGUMENT_INVALID, not DECRYPT_FAILED', async () => {
    const keys = await deriveSecretKeys(new TextEncoder().encode(TEST_SECRET))
    for (const raw of [new Uint8Array(31), new Uint8Array(33), 'not bytes' as unknown as Uint8Array]) {
      await expect(wrapImageKey(keys.wrapKey, 'id', raw)).rejects.toMatchObject({ code: 'ARGUMENT_INVALID' })
    }
    expect((await wrapImageKey(keys.wrapKey, 'id', new Uint8Array(32))).length).toBe(WRAPPED_KEY_BYTES)
  })
})
