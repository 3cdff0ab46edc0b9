import { writeFile } from 'node:fs/promises'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  customEndpointHelper,
  deleteImage,
  getImageRecord,
  getLastPixstoreError,
  imageExists,
  saveImage,
  saveImageFromFile,
  setErrorHandlingMode,
  updateImage,
  updateImageFromFile,
  type PixstoreError,
} from '../../src/backend/index.js'
import { DEFAULT_IMAGE_FORMATS, formatToByte } from '../../src/shared/image-formats.js'
import { WireState } from '../../src/types/index.js'
import { browserDecrypt, fetchWire, makeTempDir, removeDir, startBackend, stopBackend } from '../helpers/backend-fixture.js'
import { generateImage, type SampleFormat } from '../helpers/sample-images.js'
import { sampleAvif } from '../media/sample-containers.js'

let dir: string
let url: string

beforeAll(async () => {
  dir = await makeTempDir('roundtrip')
  url = await startBackend(dir, { maxImageBytes: 64 * 1024 })
})
afterAll(async () => {
  await stopBackend()
  await removeDir(dir)
})

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  await expect(p).rejects.toMatchObject({ name: 'PixstoreError', code })
}

describe('round trip through the built-in endpoint, decrypted as a browser would', () => {
  const formats: SampleFormat[] = ['png', 'gif', 'jpg', 'webp', 'avif']
  for (const format of formats) {
    it(`${format}: save → record → fetch → decode → decrypt gives the same bytes and format`, async () => {
      // demo's AVIF is a container without image items; the ingest reads and decodes, so use a real one.
      const image = format === 'avif' ? await sampleAvif(false) : generateImage(format, { width: 33, height: 17, seed: format.length })
      const record = (await saveImage(image, 'rt'))!
      expect(record.id).toMatch(/^rt:[A-Za-z0-9_-]{22}$/)
      expect(Number.isSafeInteger(record.token)).toBe(true)

      // No token yet: the whole record comes as Updated.
      const first = await fetchWire(url, record.id, { proof: record.statelessProof })
      expect(first.status).toBe(200)
      expect(first.response.headers.get('content-length')).toBe(String(first.bytes.length))
      const updated = await browserDecrypt(first.bytes, record)
      expect(updated.state).toBe(WireState.Updated)
      expect(updated.token).toBe(record.token)
      expect(Buffer.from(updated.image).equals(Buffer.from(image))).toBe(true)
      expect(updated.formatByte).toBe(formatToByte(format, DEFAULT_IMAGE_FORMATS))

      // Current token: Success, decrypted with the record's meta.
      const second = await fetchWire(url, record.id, { proof: record.statelessProof, token: record.token })
      const success = await browserDecrypt(second.bytes, record)
      expect(success.state).toBe(WireState.Success)
      expect(second.bytes.length).toBe(first.bytes.length - 68)
      expect(Buffer.from(success.image).equals(Buffer.from(image))).toBe(true)
    })
  }

  it('accepts Buffer, Uint8Array and ArrayBuffer, and the ?token= query', async () => {
    const image = generateImage('png', { width: 8, height: 8, seed: 9 })
    const fromBuffer = await saveImage(Buffer.from(image))
    const fromArrayBuffer = await saveImage(image.slice().buffer)
    for (const r of [fromBuffer!, fromArrayBuffer!]) {
      const res = await fetch(`${url}/${r.id}?token=${r.token}`, { headers: { 'x-pixstore-proof': r.statelessProof } })
      const bytes = new Uint8Array(await res.arrayBuffer())
      expect(bytes[0]).toBe(WireState.Success)
      expect(Buffer.from((await browserDecrypt(bytes, r)).image).equals(Buffer.from(image))).toBe(true)
    }
  })

  it('update: new token and key; an old record gets Updated with the new version', async () => {
    const v1 = generateImage('png', { width: 10, height: 10, seed: 1 })
    const v2 = generateImage('webp', { width: 12, height: 9, seed: 2 })
    const r1 = (await saveImage(v1))!
    const r2 = (await updateImage(r1.id, v2))!
    expect(r2.id).toBe(r1.id)
    expect(r2.token).toBeGreaterThan(r1.token)
    expect(r2.meta.key).not.toBe(r1.meta.key)
    const got = await fetchWire(url, r1.id, { proof: r1.statelessProof, token: r1.token })
    const out = await browserDecrypt(got.bytes, r1)
    expect(out.state).toBe(WireState.Updated)
    expect(out.token).toBe(r2.token)
    expect(Buffer.from(out.image).equals(Buffer.from(v2))).toBe(true)
    const again = (await getImageRecord(r1.id))!
    expect(again.token).toBe(r2.token)
    expect(again.meta).toEqual(r2.meta)
  })

  it('from files, delete and exists', async () => {
    const file = join(dir, 'in.gif')
    const image = generateImage('gif', { width: 20, height: 20, seed: 4 })
    await writeFile(file, image)
    const r = (await saveImageFromFile(file, 'files'))!
    expect(await imageExists(r.id)).toBe(true)
    const file2 = join(dir, 'in2.jpg')
    const image2 = generateImage('jpg', { width: 16, height: 16, seed: 5 })
    await writeFile(file2, image2)
    const r2 = (await updateImageFromFile(r.id, file2))!
    const out = await browserDecrypt(await customEndpointHelper(r.id, undefined, r2.statelessProof), r2)
    expect(Buffer.from(out.image).equals(Buffer.from(image2))).toBe(true)
    expect(await deleteImage(r.id)).toBe(true)
    expect(await imageExists(r.id)).toBe(false)
    expect(await deleteImage(r.id)).toBe(false)
    expect((await customEndpointHelper(r.id, undefined, r2.statelessProof))[0]).toBe(WireState.NotFound)
  })
})

describe('bad input gets a coded error and changes nothing', () => {
  async function rowCount(): Promise<number> {
    // Read the database file directly (a second connection sees every committed row under WAL).
    const db = new Database(join(dir, 'pixstore.sqlite'), { readonly: true })
    try {
      return (db.prepare('SELECT count(*) AS n FROM pixstore_images').get() as { n: number }).n
    } finally {
      db.close()
    }
  }

  it('rejects empty, non-images, oversize, unsupported formats and wrong types', async () => {
    const before = await rowCount()
    await expectCode(saveImage(new Uint8Array(0)), 'IMAGE_EMPTY')
    await expectCode(saveImage(new TextEncoder().encode('definitely not an image, just some text bytes')), 'IMAGE_INVALID')
    await expectCode(saveImage(new Uint8Array(64 * 1024 + 1).fill(7)), 'IMAGE_TOO_LARGE')
    await expectCode(saveImage('a string' as never), 'IMAGE_INVALID')
    await expectCode(saveImage(new Uint8Array([0x42, 0x4d, 0x3a, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 0x28, 0, 0, 0])), 'IMAGE_UNSUPPORTED_FORMAT') // BMP header
    await expectCode(saveImageFromFile(join(dir, 'missing.png')), 'IMAGE_FILE_UNREADABLE')
    await expectCode(saveImage(generateImage('png', { width: 2, height: 2 }), '../etc'), 'IMAGE_ID_INVALID')
    expect(await rowCount()).toBe(before)
  })

  it('rejects ids with separators, dot-dot, NUL, control characters or excess length before storage', async () => {
    const png = generateImage('png', { width: 2, height: 2 })
    for (const id of ['../x', 'a/b', 'a\\b', '..', 'a\u0000b', 'a\nb', 'x'.repeat(65), '', 'a:b:c', ' a']) {
      await expectCode(deleteImage(id), 'IMAGE_ID_INVALID')
      await expectCode(imageExists(id), 'IMAGE_ID_INVALID')
      await expectCode(getImageRecord(id), 'IMAGE_ID_INVALID')
      await expectCode(updateImage(id, png), 'IMAGE_ID_INVALID')
    }
    await expectCode(updateImage('unknown-id', png), 'IMAGE_NOT_FOUND')
    await expectCode(getImageRecord('unknown-id'), 'IMAGE_NOT_FOUND')
  })

  it('a failed update leaves the previous version intact', async () => {
    const v1 = generateImage('png', { width: 6, height: 6, seed: 3 })
    const r1 = (await saveImage(v1))!
    await expectCode(updateImage(r1.id, new Uint8Array([1, 2, 3])), 'IMAGE_INVALID')
    const now = (await getImageRecord(r1.id))!
    expect(now.token).toBe(r1.token)
    expect(now.meta).toEqual(r1.meta)
  })

  it('hybrid mode returns null and records the error; throw mode throws', async () => {
    setErrorHandlingMode('hybrid')
    const spy = console.error
    const logged: unknown[] = []
    console.error = (...args: unknown[]) => void logged.push(args)
    try {
      expect(await saveImage(new Uint8Array(0))).toBeNull()
      expect((getLastPixstoreError() as PixstoreError).code).toBe('IMAGE_EMPTY')
      expect(logged.length).toBe(1)
    } finally {
      console.error = spy
      setErrorHandlingMode('throw')
    }
  })
})
