// The ingest promise: a stripped original holds no GPS, serial, XMP, IPTC or comment bytes, decodes
// to exactly the input's pixels, keeps its ICC profile and its displayed orientation.
import sharp from 'sharp'
import { describe, expect, test } from 'vitest'
import { getContainerCodec } from '../../src/media/index.js'
import { isPixstoreError } from '../../src/shared/errors.js'
import {
  PLANTED, animated, contains, gpsLatitudeBytes, pngChunk, pngInsert, sampleAvif, sampleGif, sampleJpeg, samplePng, sampleWebp,
} from './sample-containers.js'

const samples = { jpeg: sampleJpeg, png: samplePng, webp: sampleWebp } as const
const raw = async (b: Uint8Array) => sharp(b).raw().toBuffer()

describe.each(['ts', 'wasm'] as const)('%s container codec', (kind) => {
  const codec = () => getContainerCodec(kind)

  describe.each(Object.keys(samples) as (keyof typeof samples)[])('%s with GPS EXIF, XMP, ICC, orientation 6', (format) => {
    test('the planted bytes are there before and gone after; pixels, ICC and orientation stay', async () => {
      const input = await samples[format](6)
      const planted = [PLANTED.serial, PLANTED.make, PLANTED.xmp]
      if (format !== 'webp') planted.push(PLANTED.iptc, PLANTED.comment)
      for (const s of planted) expect(contains(input, s), `input holds ${s}`).toBe(true)
      expect(gpsLatitudeBytes().some((g) => contains(input, g))).toBe(true)
      const before = codec().readImageContainer(input)
      expect(before.metadata).toMatchObject({ exif: true, xmp: true, icc: true })
      if (format !== 'webp') expect(before.metadata).toMatchObject({ iptc: true, comment: true })

      const out = codec().stripImageMetadata(input)
      for (const s of planted) expect(contains(out, s), `output holds ${s}`).toBe(false)
      for (const g of gpsLatitudeBytes()) expect(contains(out, g)).toBe(false)
      expect((await raw(out)).equals(await raw(input))).toBe(true)

      const [mIn, mOut] = await Promise.all([sharp(input).metadata(), sharp(out).metadata()])
      expect(mOut.orientation).toBe(6)
      expect(mOut.icc?.equals(mIn.icc!)).toBe(true)
      // The EXIF left is the minimal block: IFD0 Orientation only.
      expect(mOut.exif!.length).toBeLessThan(40)
      const after = codec().readImageContainer(out)
      expect(after).toMatchObject({ width: mIn.width, height: mIn.height, orientation: mIn.orientation, displayWidth: 48, displayHeight: 64 })
      expect(after.metadata).toEqual({ exif: true, xmp: false, iptc: false, comment: false, icc: true })
      // Idempotent: a second strip changes nothing.
      expect(codec().stripImageMetadata(out)).toEqual(out)
    })

    test('orientation 1: no EXIF at all is written back', async () => {
      const input = await samples[format](1)
      const out = codec().stripImageMetadata(input)
      const m = await sharp(out).metadata()
      expect(m.exif).toBeUndefined()
      expect(m.icc).toBeDefined()
      expect(codec().readImageContainer(out)).toMatchObject({ orientation: 1, metadata: { exif: false, icc: true } })
      expect((await raw(out)).equals(await raw(input))).toBe(true)
    })

    test('keep: { xmp: true } keeps XMP and still drops GPS and the serial', async () => {
      const input = await samples[format](6)
      const out = codec().stripImageMetadata(input, { keep: { xmp: true } })
      expect(contains(out, PLANTED.xmp)).toBe(format === 'png' ? true : true)
      expect(contains(out, PLANTED.serial)).toBe(false)
      expect(codec().readImageContainer(out).metadata.xmp).toBe(true)
      const all = codec().stripImageMetadata(input, { keep: { exif: true, xmp: true, iptc: true, comment: true } })
      expect(contains(all, PLANTED.serial)).toBe(true)
    })
  })

  test('GIF: comment, XMP and unknown application extensions go; looping and all frames stay', async () => {
    const input = await sampleGif()
    expect(codec().readImageContainer(input)).toMatchObject({ format: 'gif', width: 16, height: 12, frames: 3, metadata: { xmp: true, comment: true } })
    const out = codec().stripImageMetadata(input)
    for (const s of [PLANTED.comment, PLANTED.xmp, PLANTED.appExt]) expect(contains(out, s)).toBe(false)
    expect(contains(out, 'NETSCAPE2.0')).toBe(true)
    const a = await sharp(input, { animated: true }).raw().toBuffer()
    const b = await sharp(out, { animated: true }).raw().toBuffer()
    expect(b.equals(a)).toBe(true)
    expect((await sharp(out, { animated: true }).metadata()).pages).toBe(3)
  })

  test('frames: animated WebP (ANMF), GIF (descriptors), APNG (acTL)', async () => {
    expect(codec().readImageContainer(await animated('webp'))).toMatchObject({ format: 'webp', width: 16, height: 12, frames: 3 })
    expect(codec().readImageContainer(await animated('gif'))).toMatchObject({ frames: 3 })
    const png = await samplePng(1)
    const actl = pngChunk('acTL', Uint8Array.of(0, 0, 0, 7, 0, 0, 0, 0))
    expect(codec().readImageContainer(pngInsert(png, actl)).frames).toBe(7)
    expect(codec().readImageContainer(png).frames).toBe(1)
  })

  test('AVIF: read from the item properties; strippable only without Exif/XMP items', async () => {
    const tagged = await sampleAvif(true)
    const m = await sharp(tagged).metadata()
    const info = codec().readImageContainer(tagged)
    expect(info).toMatchObject({ format: 'avif', width: m.width, height: m.height, orientation: 1, frames: 1, strippable: false })
    expect(info.metadata).toMatchObject({ exif: true, xmp: true })
    let error: unknown
    try {
      codec().stripImageMetadata(tagged)
    } catch (e) {
      error = e
    }
    expect(isPixstoreError(error, 'IMAGE_UNSUPPORTED_FORMAT')).toBe(true)
    const plain = await sampleAvif(false)
    expect(codec().readImageContainer(plain)).toMatchObject({ strippable: true, metadata: { exif: false, xmp: false } })
    expect(codec().stripImageMetadata(plain)).toBe(plain)
  })

  test('AVIF with irot: stored size and orientation, displayed size equal to what sharp shows', async () => {
    const rotated = new Uint8Array(
      await sharp(Buffer.alloc(64 * 48 * 3, 90), { raw: { width: 64, height: 48, channels: 3 } }).withMetadata({ orientation: 6 }).avif({ effort: 0 }).toBuffer(),
    )
    const m = await sharp(rotated).metadata()
    const info = codec().readImageContainer(rotated)
    expect([info.displayWidth, info.displayHeight]).toEqual([m.width, m.height])
  })
})
