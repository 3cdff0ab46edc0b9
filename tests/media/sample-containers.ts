// Test images carrying planted metadata (GPS, a camera serial, XMP, IPTC, comments, an ICC profile,
// orientation 6), made with sharp plus hand-inserted segments/chunks, and the exact byte strings
// planted in them so a test can prove none survives a strip.
import sharp from 'sharp'
import { concat, pngChunk } from '../helpers/sample-images.js'

export const WIDTH = 64
export const HEIGHT = 48
export const PLANTED = {
  serial: 'SERIAL-7Q4X9Z',
  make: 'PLANTEDMAKE',
  xmp: 'PLANTED-XMP-CREATOR',
  iptc: 'PLANTED-IPTC-CAPTION',
  comment: 'PLANTED-COMMENT',
  appExt: 'PLANTED-APPEXT',
}

/** GPSLatitude 48/1 51/1 2964/100 as stored: 6 u32 in either byte order. */
export function gpsLatitudeBytes(): Uint8Array[] {
  const values = [48, 1, 51, 1, 2964, 100]
  return [false, true].map((le) => {
    const b = new Uint8Array(24)
    const v = new DataView(b.buffer)
    values.forEach((x, i) => v.setUint32(i * 4, x, le))
    return b
  })
}

const ascii = (s: string) => new TextEncoder().encode(s)
const cat = (...parts: Uint8Array[]) => concat(parts)

export function pixels(): Buffer {
  const raw = Buffer.alloc(WIDTH * HEIGHT * 3)
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7 + (i >> 5)) & 255
  return raw
}

const XMP = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>${PLANTED.xmp}</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>`

function tagged(format: 'jpeg' | 'png' | 'webp', orientation: number) {
  return sharp(pixels(), { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .withIccProfile('p3')
    .withExif({
      IFD0: { Make: PLANTED.make, Model: 'PLANTEDMODEL' },
      IFD2: { BodySerialNumber: PLANTED.serial },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '48/1 51/1 2964/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '2/1 17/1 4020/100',
      },
    })
    .withXmp(XMP)
    .withMetadata({ orientation })
    [format](format === 'webp' ? { lossless: true } : format === 'jpeg' ? { quality: 90 } : {})
    .toBuffer()
}

function jpegSegment(marker: number, payload: Uint8Array): Uint8Array {
  const head = Uint8Array.of(0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff)
  return cat(head, payload)
}

export { pngChunk }

/** Inserts PNG chunks right after IHDR (offset 33). */
export function pngInsert(png: Uint8Array, ...chunks: Uint8Array[]): Uint8Array {
  return cat(png.subarray(0, 33), ...chunks, png.subarray(33))
}

/** JPEG with sharp's EXIF/XMP/ICC plus an IPTC APP13, a COM and an unknown APP11 after SOI. */
export async function sampleJpeg(orientation = 6): Promise<Uint8Array> {
  const base = new Uint8Array(await tagged('jpeg', orientation))
  const iptc = jpegSegment(0xed, cat(ascii('Photoshop 3.0\0'), ascii('8BIM'), Uint8Array.of(4, 4, 0, 0, 0, 0, 0, 20), ascii(PLANTED.iptc)))
  const com = jpegSegment(0xfe, ascii(PLANTED.comment))
  const app11 = jpegSegment(0xeb, ascii('JPN\0' + PLANTED.appExt))
  return cat(base.subarray(0, 2), iptc, com, app11, base.subarray(2))
}

/** PNG with sharp's eXIf/iCCP (and zTXt/iTXt XMP), plus uncompressed iTXt XMP, tEXt comment, IPTC raw profile and tIME. */
export async function samplePng(orientation = 6): Promise<Uint8Array> {
  const base = new Uint8Array(await tagged('png', orientation))
  const itxt = pngChunk('iTXt', cat(ascii('XML:com.adobe.xmp\0\0\0\0\0'), ascii(XMP)))
  const text = pngChunk('tEXt', ascii('Comment\0' + PLANTED.comment))
  const iptc = pngChunk('tEXt', ascii('Raw profile type iptc\0' + PLANTED.iptc))
  const time = pngChunk('tIME', Uint8Array.of(0x07, 0xea, 12, 1, 20, 0, 0))
  return pngInsert(base, itxt, text, iptc, time)
}

/** Lossless WebP (VP8X) with EXIF, XMP and ICCP chunks. */
export async function sampleWebp(orientation = 6): Promise<Uint8Array> {
  return new Uint8Array(await tagged('webp', orientation))
}

/** GIF (3 frames) with a comment, an XMP application extension and an unknown application extension. */
export async function sampleGif(): Promise<Uint8Array> {
  const base = new Uint8Array(await animated('gif'))
  const gct = (base[10]! & 0x80) !== 0 ? 3 << ((base[10]! & 7) + 1) : 0
  const at = 13 + gct
  const sub = (data: Uint8Array) => cat(Uint8Array.of(data.length), data)
  const comment = cat(Uint8Array.of(0x21, 0xfe), sub(ascii(PLANTED.comment)), Uint8Array.of(0))
  const xmpExt = cat(Uint8Array.of(0x21, 0xff), sub(ascii('XMP DataXMP')), sub(ascii(PLANTED.xmp)), Uint8Array.of(0))
  const other = cat(Uint8Array.of(0x21, 0xff), sub(ascii('PLANTEDA1.0')), sub(ascii(PLANTED.appExt)), Uint8Array.of(0))
  return cat(base.subarray(0, at), comment, xmpExt, other, base.subarray(at))
}

/** An animated image of 3 frames of 16×12. */
export async function animated(format: 'gif' | 'webp'): Promise<Buffer> {
  const frame = (v: number) => sharp({ create: { width: 16, height: 12, channels: 3, background: { r: v, g: 30, b: 200 - v } } }).png().toBuffer()
  const frames = await Promise.all([10, 120, 240].map(frame))
  const s = sharp(frames, { join: { animated: true } })
  return (format === 'gif' ? s.gif({ loop: 3 }) : s.webp()).toBuffer()
}

/** AVIF with EXIF/XMP items (sharp writes them) or without. */
export async function sampleAvif(withMetadata: boolean): Promise<Uint8Array> {
  let s = sharp(pixels(), { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
  if (withMetadata) s = s.withExif({ IFD2: { BodySerialNumber: PLANTED.serial } }).withXmp(XMP)
  return new Uint8Array(await s.avif({ quality: 50, effort: 0 }).toBuffer())
}

export function contains(haystack: Uint8Array, needle: Uint8Array | string): boolean {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.length).includes(Buffer.from(typeof needle === "string" ? ascii(needle) : needle))
}
