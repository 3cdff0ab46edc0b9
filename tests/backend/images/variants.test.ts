// Variants at ingest: presets from config (checked at init), rendered from the stored original as
// displayed and never enlarged, each sealed under its own key, listed in the record, stored with
// their version, moved by rewrapImageKeys, and remade by regenerateVariants after a preset change.
import 'fake-indexeddb/auto'
import { join } from 'node:path'
import sharp from 'sharp'
import { thumbHashToRGBA } from 'thumbhash'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  closePixstoreBackend, deleteImage, getImageRecord, initPixstoreBackend, regenerateVariants, rewrapImageKeys, saveImage, updateImage,
  type PixstoreBackendConfig,
} from '../../../src/backend/index.js'
import { resolveBackendConfig } from '../../../src/backend/config/backend-config.js'
import { createSqliteAdapter } from '../../../src/backend/storage/sqlite/sqlite-adapter.js'
import { openImage } from '../../../src/crypto/aes-gcm.js'
import { base64ToBytes } from '../../../src/crypto/base64.js'
import { isPixstoreError } from '../../../src/shared/errors.js'
import { formatToByte } from '../../../src/shared/image-formats.js'
import type { ImageRecord } from '../../../src/types/index.js'
import { makeTempDir, OLD_SECRET, removeDir, startBackend, stopBackend, TEST_SECRET } from '../../helpers/backend-fixture.js'
import { startPixstore3Frontend } from '../../helpers/pixstore3-frontend.js'
import { rejection } from '../../helpers/rejection.js'
import { PLANTED, sampleJpeg } from '../../media/sample-containers.js'

const PRESETS = { thumb: { width: 24, height: 24 }, big: { width: 1000, height: 1000, format: 'jpeg', quality: 80 } } as const

let dir: string
const base = (extra: PixstoreBackendConfig = {}): PixstoreBackendConfig => ({
  dataDir: dir, secret: TEST_SECRET, errorHandlingMode: 'throw', defaultEndpointEnabled: false, ...extra,
})

beforeAll(async () => {
  dir = await makeTempDir('variants')
})
afterEach(async () => {
  await closePixstoreBackend()
})
afterAll(async () => {
  await removeDir(dir)
})

/** The decrypted plaintext of a record's variant, read straight from the store ([formatByte][bytes]). */
async function variantPlaintext(record: ImageRecord, name: string, dataDir = dir): Promise<Uint8Array> {
  const store = createSqliteAdapter({ dataDir })
  await store.open()
  try {
    const stored = await store.getVariant(record.id, name)
    if (!stored) throw new Error(`no stored variant ${name}`)
    expect(stored.token).toBe(record.token)
    const meta = record.variants![name]!.meta
    return await openImage(stored.ciphertext, base64ToBytes(meta.key)!, base64ToBytes(meta.iv)!, base64ToBytes(meta.tag)!)
  } finally {
    await store.close()
  }
}

describe('variants config', () => {
  const bad: [string, unknown][] = [
    ['a name outside the pattern', { Thumb: { width: 1, height: 1 } }],
    ['a name starting with a digit', { '1x': { width: 1, height: 1 } }],
    ['width 0', { t: { width: 0, height: 1 } }],
    ['width above 16384', { t: { width: 16385, height: 1 } }],
    ['a fractional height', { t: { width: 10, height: 1.5 } }],
    ['a missing height', { t: { width: 10 } }],
    ['an unknown fit', { t: { width: 1, height: 1, fit: 'crop' } }],
    ['an unknown format', { t: { width: 1, height: 1, format: 'gif' } }],
    ['quality 0', { t: { width: 1, height: 1, quality: 0 } }],
    ['quality 101', { t: { width: 1, height: 1, quality: 101 } }],
    ['a quality on png', { t: { width: 1, height: 1, format: 'png', quality: 50 } }],
    ['an unknown preset key', { t: { width: 1, height: 1, size: 3 } }],
    ['nine presets', Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`p${i}`, { width: 1, height: 1 }]))],
    ['not an object', [{ width: 1, height: 1 }]],
    ['a preset that is not an object', { t: 320 }],
  ]
  it.each(bad)('%s is CONFIG_INVALID', (_, variants) => {
    let error: unknown
    try {
      resolveBackendConfig({ variants } as PixstoreBackendConfig)
    } catch (e) {
      error = e
    }
    expect(isPixstoreError(error, 'CONFIG_INVALID')).toBe(true)
  })

  it('a format missing from imageFormats is CONFIG_INVALID (its variants would have no format byte)', () => {
    expect(() => resolveBackendConfig({ imageFormats: ['png', 'jpg'], variants: { t: { width: 1, height: 1 } } })).toThrow(/imageFormats/)
  })

  it('defaults to inside/webp, sorts by name, and fingerprints every setting', () => {
    const c = resolveBackendConfig({ variants: { thumb: { width: 320, height: 200 }, a: { width: 5, height: 6, fit: 'cover', format: 'jpeg', quality: 70 } } })
    expect(c.variants.map((p) => p.name)).toEqual(['a', 'thumb'])
    expect(c.variants[1]).toMatchObject({ width: 320, height: 200, fit: 'inside', format: 'webp', quality: undefined, formatByte: formatToByte('webp') })
    expect(c.variants[0]!.formatByte).toBe(formatToByte('jpg')) // a JPEG variant carries the byte a JPEG original gets
    const prints = new Set([
      c.variants[1]!.fingerprint,
      ...[{ width: 321, height: 200 }, { width: 320, height: 201 }, { width: 320, height: 200, fit: 'cover' }, { width: 320, height: 200, format: 'avif' },
        { width: 320, height: 200, quality: 50 }].map((p) => resolveBackendConfig({ variants: { thumb: p } } as PixstoreBackendConfig).variants[0]!.fingerprint),
    ])
    expect(prints.size).toBe(6)
  })

  it('initPixstoreBackend refuses a bad preset with the coded error', async () => {
    const error = await rejection(initPixstoreBackend(base({ variants: { t: { width: -1, height: 1 } } })))
    expect(isPixstoreError(error, 'CONFIG_INVALID')).toBe(true)
  })
})

describe('variants at save and update', () => {
  it('save renders each preset as displayed, never enlarged, without metadata, under its own key; the record lists them', async () => {
    await initPixstoreBackend(base({ variants: PRESETS }))
    const record = (await saveImage(await sampleJpeg(6)))! // 64 × 48 stored, orientation 6: displayed 48 × 64
    expect(Object.keys(record.variants!).sort()).toEqual(['big', 'thumb'])
    expect(record.variants!.thumb!.info).toEqual({ mime: 'image/webp', width: 18, height: 24, bytes: expect.any(Number), placeholder: record.info!.placeholder })
    expect(record.variants!.big!.info).toMatchObject({ mime: 'image/jpeg', width: 48, height: 64 })
    const keys = [record.meta.key, record.variants!.thumb!.meta.key, record.variants!.big!.meta.key]
    const ivs = [record.meta.iv, record.variants!.thumb!.meta.iv, record.variants!.big!.meta.iv]
    expect(new Set(keys).size).toBe(3)
    expect(new Set(ivs).size).toBe(3)

    for (const [name, format] of [['thumb', 'webp'], ['big', 'jpeg']] as const) {
      const plain = await variantPlaintext(record, name)
      expect(plain[0]).toBe(formatToByte(format === 'jpeg' ? 'jpg' : format))
      const bytes = plain.subarray(1)
      expect(bytes.length).toBe(record.variants![name]!.info.bytes)
      const meta = await sharp(bytes).metadata()
      expect(meta.format).toBe(format)
      expect([meta.width, meta.height]).toEqual([record.variants![name]!.info.width, record.variants![name]!.info.height])
      expect(meta.orientation).toBeUndefined() // pixels rotated, no tag left to rotate them again
      expect(meta.exif).toBeUndefined()
      const text = Buffer.from(bytes).toString('latin1')
      for (const planted of Object.values(PLANTED)) expect(text).not.toContain(planted)
    }
    expect(await getImageRecord(record.id)).toMatchObject({ token: record.token, variants: record.variants })
  })

  it('the placeholder taken from a shared thumb render matches the one taken from the original', async () => {
    const { renderImage } = await import('../../../src/backend/images/image-variants.js')
    const bytes = await sampleJpeg(6)
    const direct = await renderImage(bytes, [], 1e9)
    const viaThumb = await renderImage(bytes, resolveBackendConfig({ variants: { thumb: { width: 120, height: 100 }, tiny: { width: 20, height: 20 } } }).variants, 1e9)
    const a = thumbHashToRGBA(base64ToBytes(direct.placeholder)!)
    const b = thumbHashToRGBA(base64ToBytes(viaThumb.placeholder)!)
    expect([b.w, b.h]).toEqual([a.w, a.h])
    let diff = 0
    for (let i = 0; i < a.rgba.length; i++) diff += Math.abs(a.rgba[i]! - b.rgba[i]!)
    expect(diff / a.rgba.length).toBeLessThan(4) // of 255: the same blurred picture
    expect(viaThumb.variants.map((v) => v.preset.name)).toEqual(['thumb', 'tiny'])
  })

  it('update replaces the variants with the new version’s; getImageRecord lists exactly those', async () => {
    await initPixstoreBackend(base({ variants: PRESETS }))
    const first = (await saveImage(await sampleJpeg(1)))! // displayed 64 × 48
    expect(first.variants!.thumb!.info).toMatchObject({ width: 24, height: 18 })
    const next = (await updateImage(first.id, await sampleJpeg(6)))!
    expect(next.token).toBeGreaterThan(first.token)
    expect(next.variants!.thumb!.info).toMatchObject({ width: 18, height: 24 })
    expect(next.variants!.thumb!.meta.key).not.toBe(first.variants!.thumb!.meta.key)
    const current = (await getImageRecord(next.id))!
    expect(current.variants).toEqual(next.variants)
    const plain = await variantPlaintext(current, 'thumb')
    expect((await sharp(plain.subarray(1)).metadata()).height).toBe(24)
  })

  it('without presets a record has no variants key; delete removes the variants with the image', async () => {
    await initPixstoreBackend(base())
    const plain = (await saveImage(await sampleJpeg(1)))!
    expect(plain).not.toHaveProperty('variants')
    await closePixstoreBackend()
    await initPixstoreBackend(base({ variants: PRESETS }))
    const withVariants = (await saveImage(await sampleJpeg(1)))!
    expect(await deleteImage(withVariants.id)).toBe(true)
    const store = createSqliteAdapter({ dataDir: dir })
    await store.open()
    try {
      expect(await store.getVariant(withVariants.id, 'thumb')).toBeNull()
    } finally {
      await store.close()
    }
  })

  it('rewrapImageKeys moves the variant keys with the image key; the record still opens every variant', async () => {
    const dataDir = join(dir, 'rotation')
    await initPixstoreBackend(base({ dataDir, secret: OLD_SECRET, variants: PRESETS }))
    const record = (await saveImage(await sampleJpeg(6)))!
    await closePixstoreBackend()
    await initPixstoreBackend(base({ dataDir, previousSecrets: [OLD_SECRET], variants: PRESETS }))
    expect(await rewrapImageKeys()).toBe(1)
    await closePixstoreBackend()
    // Only the new secret now: every key of the image must have moved.
    await initPixstoreBackend(base({ dataDir, variants: PRESETS }))
    const current = (await getImageRecord(record.id))!
    expect(current.token).toBe(record.token)
    expect(current.variants).toEqual(record.variants)
    for (const name of ['thumb', 'big']) {
      expect((await variantPlaintext(current, name, dataDir)).length).toBe(record.variants![name]!.info.bytes + 1)
    }
  })
})

describe('regenerateVariants', () => {
  it('remakes images whose variants differ from the presets as a new version, and leaves matching ones alone', async () => {
    await initPixstoreBackend(base({ variants: { thumb: { width: 24, height: 24 } } }))
    // Other tests' images share the store: count relative to what it holds.
    const before = (await regenerateVariants())!
    const a = (await saveImage(await sampleJpeg(6)))!
    const b = (await saveImage(await sampleJpeg(1)))!
    const noChange = (await regenerateVariants())!
    expect(noChange.checked).toBe(before.checked + 2)
    expect(noChange.regenerated).toBe(0)
    await closePixstoreBackend()

    // thumb changes size, small is new.
    await initPixstoreBackend(base({ variants: { thumb: { width: 12, height: 12 }, small: { width: 40, height: 40, format: 'png' } } }))
    const result = (await regenerateVariants({ concurrency: 2 }))!
    expect(result).toMatchObject({ checked: noChange.checked, failed: 0, skipped: 0 })
    expect(result.regenerated).toBe(noChange.checked)
    for (const old of [a, b]) {
      const now = (await getImageRecord(old.id))!
      expect(now.token).toBeGreaterThan(old.token)
      expect(Object.keys(now.variants!).sort()).toEqual(['small', 'thumb'])
      expect(Math.max(now.variants!.thumb!.info.width, now.variants!.thumb!.info.height)).toBe(12)
      expect(now.info).toEqual(old.info) // the same original, re-sealed
      expect((await variantPlaintext(now, 'small'))[0]).toBe(formatToByte('png'))
    }
    const again = (await regenerateVariants())!
    expect(again).toMatchObject({ checked: result.checked, upToDate: result.checked, regenerated: 0 })
    await closePixstoreBackend()

    // Presets removed: variants go, as a new version.
    await initPixstoreBackend(base())
    expect((await regenerateVariants())!.regenerated).toBe(result.checked)
    expect(await getImageRecord(a.id)).not.toHaveProperty('variants')
  })

  it('bad options are ARGUMENT_INVALID', async () => {
    await initPixstoreBackend(base())
    for (const options of [{ concurrency: 0 }, { concurrency: 9 }, { parallel: 2 }, 'x']) {
      expect(isPixstoreError(await rejection(regenerateVariants(options as never)), 'ARGUMENT_INVALID')).toBe(true)
    }
  })
})

describe('pixstore 3.2.1 front ends', () => {
  it('read a record carrying variants (they ignore the field) and get the original', async () => {
    const url = new URL(await startBackend(dir, { variants: PRESETS }))
    try {
      const v3 = await startPixstore3Frontend(url, `variants-${process.pid}`)
      const record = (await saveImage(await sampleJpeg(6)))!
      expect(record.variants).toBeDefined()
      const blob = (await v3.getImage(JSON.parse(JSON.stringify(record))))!
      expect(blob.size).toBe(record.info!.bytes)
    } finally {
      await stopBackend()
    }
  })
})
