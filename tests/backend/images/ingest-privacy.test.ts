// The ingest's privacy promise, end to end: what a client decrypts from the built-in endpoint (or
// customEndpointHelper) after saveImage/updateImage holds no GPS, serial or XMP bytes, decodes to the
// input's pixels, keeps its ICC profile and displayed orientation; `info` states the displayed size.
import Database from 'better-sqlite3'
import { join } from 'node:path'
import sharp from 'sharp'
import { thumbHashToRGBA } from 'thumbhash'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { customEndpointHelper, getImageRecord, saveImage, updateImage } from '../../../src/backend/index.js'
import { base64ToBytes } from '../../../src/crypto/base64.js'
import { placeholderDataUrl } from '../../../src/frontend/placeholder.js'
import type { ImageRecord } from '../../../src/types/index.js'
import { browserDecrypt, fetchWire, makeTempDir, removeDir, startBackend, stopBackend } from '../../helpers/backend-fixture.js'
import { HEIGHT, PLANTED, WIDTH, contains, gpsLatitudeBytes, sampleAvif, sampleJpeg, samplePng, sampleWebp } from '../../media/sample-containers.js'

const samples = { jpeg: sampleJpeg, png: samplePng, webp: sampleWebp } as const
const MIME = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' } as const
const PRIVATE = [PLANTED.serial, PLANTED.make, PLANTED.xmp, PLANTED.iptc, PLANTED.comment]
const raw = (b: Uint8Array) => sharp(b).raw().toBuffer()

function rowCount(dir: string): number {
  const d = new Database(join(dir, 'pixstore.sqlite'), { readonly: true })
  try {
    return (d.prepare('SELECT count(*) AS n FROM pixstore_images').get() as { n: number }).n
  } finally {
    d.close()
  }
}

async function served(url: string, record: ImageRecord): Promise<Uint8Array> {
  const { bytes } = await fetchWire(url, record.id, { proof: record.statelessProof })
  return (await browserDecrypt(bytes, record)).image
}

describe('default: metadata is dropped at ingest', () => {
  let dir: string
  let url: string
  beforeAll(async () => {
    dir = await makeTempDir('ingest-privacy')
    url = await startBackend(dir)
  })
  afterAll(async () => {
    await stopBackend()
    await removeDir(dir)
  })

  describe.each(Object.keys(samples) as (keyof typeof samples)[])('%s with GPS EXIF, XMP, ICC, orientation 6', (format) => {
    it('saveImage: the served original holds no private bytes, same pixels, same ICC, orientation 6; info is the displayed size', async () => {
      const input = await samples[format](6)
      expect(gpsLatitudeBytes().some((g) => contains(input, g))).toBe(true)
      expect(contains(input, PLANTED.serial) && contains(input, PLANTED.xmp)).toBe(true)
      const record = (await saveImage(input))!
      const out = await served(url, record)

      for (const s of PRIVATE) expect(contains(out, s), `served original holds ${s}`).toBe(false)
      for (const g of gpsLatitudeBytes()) expect(contains(out, g)).toBe(false)
      expect((await raw(out)).equals(await raw(input))).toBe(true)
      const [mIn, mOut] = await Promise.all([sharp(input).metadata(), sharp(out).metadata()])
      expect(mOut.orientation).toBe(6)
      expect(mOut.icc!.equals(mIn.icc!)).toBe(true)

      // Orientation 6: stored 64 × 48, displayed 48 × 64.
      expect([mIn.width, mIn.height]).toEqual([WIDTH, HEIGHT])
      expect(record.info).toEqual({ mime: MIME[format], width: HEIGHT, height: WIDTH, bytes: out.length, placeholder: expect.any(String) })
      expect(out.length).toBeLessThan(input.length)
      // The record handed out later carries the same facts (stored with the version).
      expect((await getImageRecord(record.id))!.info).toEqual(record.info)
    })

    it('updateImage through customEndpointHelper: the new version is stripped too', async () => {
      const first = (await saveImage(await samples[format](1)))!
      const input = await samples[format](6)
      const record = (await updateImage(first.id, input))!
      const payload = await customEndpointHelper(record.id, String(first.token), record.statelessProof)
      const { image: out, token } = await browserDecrypt(payload, first)
      expect(token).toBe(record.token)
      for (const s of PRIVATE) expect(contains(out, s), `served original holds ${s}`).toBe(false)
      for (const g of gpsLatitudeBytes()) expect(contains(out, g)).toBe(false)
      expect((await raw(out)).equals(await raw(input))).toBe(true)
      expect((await sharp(out).metadata()).orientation).toBe(6)
      expect(record.info).toMatchObject({ width: HEIGHT, height: WIDTH, bytes: out.length })
    })
  })

  it('the placeholder is a ThumbHash of the displayed image: portrait, small, and drawable by placeholderDataUrl', async () => {
    const record = (await saveImage(await sampleJpeg(6)))!
    const hash = base64ToBytes(record.info!.placeholder!)!
    expect(hash.length).toBeLessThan(40)
    const { w, h, rgba } = thumbHashToRGBA(hash)
    expect(h).toBeGreaterThan(w) // 48 × 64 displayed: taller than wide
    expect(Math.max(w, h)).toBeLessThanOrEqual(32)
    expect(rgba.length).toBe(w * h * 4)

    const url = placeholderDataUrl(record.info)!
    expect(url).toMatch(/^data:image\/png;base64,/)
    expect(placeholderDataUrl(record.info!.placeholder)).toBe(url)
    const png = Buffer.from(url.slice(url.indexOf(',') + 1), 'base64')
    expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width: w, height: h })

    expect(placeholderDataUrl(undefined)).toBeNull()
    expect(placeholderDataUrl({ mime: 'image/png', width: 1, height: 1, bytes: 1 })).toBeNull()
    expect(placeholderDataUrl('not base64!')).toBeNull()
    expect(placeholderDataUrl('AAAA')).toBeNull() // 3 bytes: too short for a ThumbHash
    expect(placeholderDataUrl('A'.repeat(400))).toBeNull()
  })

  it('AVIF with Exif/XMP is refused (IMAGE_METADATA_UNSTRIPPABLE) and nothing is stored; AVIF without is stored', async () => {
    const before = rowCount(dir)
    await expect(saveImage(await sampleAvif(true))).rejects.toMatchObject({ code: 'IMAGE_METADATA_UNSTRIPPABLE', message: expect.stringContaining('keepMetadata') })
    expect(rowCount(dir)).toBe(before)
    const clean = await sampleAvif(false)
    const record = (await saveImage(clean))!
    expect(record.info).toMatchObject({ mime: 'image/avif', width: WIDTH, height: HEIGHT, bytes: clean.length })
    expect(Buffer.from(await served(url, record)).equals(Buffer.from(clean))).toBe(true)
  })
})

describe('keepMetadata: true stores the original as uploaded', () => {
  let dir: string
  let url: string
  beforeAll(async () => {
    dir = await makeTempDir('ingest-keep')
    url = await startBackend(dir, { keepMetadata: true })
  })
  afterAll(async () => {
    await stopBackend()
    await removeDir(dir)
  })

  it.each(Object.keys(samples) as (keyof typeof samples)[])('%s: byte for byte, GPS and XMP included', async (format) => {
    const input = await samples[format](6)
    const record = (await saveImage(input))!
    const out = await served(url, record)
    expect(Buffer.from(out).equals(Buffer.from(input))).toBe(true)
    expect(contains(out, PLANTED.serial) && contains(out, PLANTED.xmp)).toBe(true)
    expect(record.info).toMatchObject({ width: HEIGHT, height: WIDTH, bytes: input.length })
  })

  it('AVIF with Exif/XMP is accepted as is', async () => {
    const input = await sampleAvif(true)
    const record = (await saveImage(input))!
    expect(Buffer.from(await served(url, record)).equals(Buffer.from(input))).toBe(true)
  })
})
