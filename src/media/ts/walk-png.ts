// PNG: a chunk list. Only chunk headers are read, plus IHDR, acTL, eXIf and text keywords.
import { KIND_COMMENT, KIND_EXIF, KIND_ICC, KIND_IPTC, KIND_OTHER, KIND_XMP } from '../contract.js'
import { containerFault, F } from '../container-faults.js'
import { exifOrientation, MINIMAL_TIFF_LENGTH, putMinimalTiff } from './exif.js'
import type { WalkState } from './walk-state.js'

const IHDR = 0x49484452, IEND = 0x49454e44, ACTL = 0x6163544c, EXIF = 0x65584966, ICCP = 0x69434350
const TEXT = 0x74455874, ZTXT = 0x7a545874, ITXT = 0x69545874, TIME = 0x74494d45

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0))
// Keywords with their NUL: XMP's own, and ImageMagick's hex "Raw profile" copies of APP segments.
const KW_XMP = ascii('XML:com.adobe.xmp\0')
const KW_RAW_EXIF = ascii('Raw profile type exif\0')
const KW_RAW_APP1 = ascii('Raw profile type APP1\0')
const KW_RAW_IPTC = ascii('Raw profile type iptc\0')
const KW_RAW_8BIM = ascii('Raw profile type 8bim\0')
const KW_RAW_XMP = ascii('Raw profile type xmp\0')

function textKind(s: WalkState, d: number, end: number): number {
  if (s.startsWith(d, end, KW_XMP) || s.startsWith(d, end, KW_RAW_XMP)) return KIND_XMP
  if (s.startsWith(d, end, KW_RAW_EXIF) || s.startsWith(d, end, KW_RAW_APP1)) return KIND_EXIF
  if (s.startsWith(d, end, KW_RAW_IPTC) || s.startsWith(d, end, KW_RAW_8BIM)) return KIND_IPTC
  return KIND_COMMENT
}

function isLetter(b: number): boolean {
  return (b >= 65 && b <= 90) || (b >= 97 && b <= 122)
}

function writeExifChunk(s: WalkState, orientation: number): void {
  const mark = s.writeMark()
  const start = s.written.length
  for (const b of [0, 0, 0, MINIMAL_TIFF_LENGTH, 0x65, 0x58, 0x49, 0x66]) s.put(b)
  putMinimalTiff(s, orientation)
  // CRC-32 over type + data, as PNG wants.
  let crc = 0xffffffff
  for (let i = start + 4; i < s.written.length; i++) {
    crc ^= s.written[i]!
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1))
  }
  crc = (crc ^ 0xffffffff) >>> 0
  s.put(crc >>> 24)
  s.put(crc >>> 16)
  s.put(crc >>> 8)
  s.put(crc)
  s.emitWritten(mark)
}

export function walkPng(s: WalkState): void {
  const n = s.n
  let pos = 8
  s.keep(0, 8)
  for (;;) {
    s.step(pos)
    if (pos + 8 > n) throw pos === n ? containerFault(F.PNG_NO_IEND, pos) : containerFault(F.PNG_TRUNCATED, pos)
    const length = s.u32be(pos)
    if (length > 0x7fffffff) throw containerFault(F.PNG_LENGTH, pos, length)
    const type = s.u32be(pos + 4)
    if (!isLetter(s.u8(pos + 4)) || !isLetter(s.u8(pos + 5)) || !isLetter(s.u8(pos + 6)) || !isLetter(s.u8(pos + 7))) {
      throw containerFault(F.PNG_TYPE, pos)
    }
    const end = pos + 12 + length
    if (end > n) throw containerFault(F.PNG_TRUNCATED, pos)
    const d = pos + 8
    if (pos === 8) {
      if (type !== IHDR || length !== 13) throw containerFault(F.PNG_NO_IHDR)
      s.width = s.u32be(d)
      s.height = s.u32be(d + 4)
      if (s.width === 0 || s.height === 0 || s.width > 0x7fffffff || s.height > 0x7fffffff) throw containerFault(F.PNG_SIZE)
    }
    let kind = 0
    if (type === IEND) {
      s.keep(pos, end)
      if (end < n) s.dropped = true
      return
    } else if (type === ACTL) {
      if (length !== 8 || s.u32be(d) === 0) throw containerFault(F.PNG_ACTL, pos)
      s.frames = s.u32be(d)
    } else if (type === EXIF) {
      kind = KIND_EXIF
      if (!s.exifSeen) {
        s.exifSeen = true
        s.orientation = exifOrientation(s, d, d + length)
      }
    } else if (type === ICCP) {
      kind = KIND_ICC
    } else if (type === TEXT || type === ZTXT || type === ITXT) {
      kind = textKind(s, d, d + length)
    } else if (type === TIME) {
      kind = KIND_OTHER
    }
    if (kind !== KIND_OTHER) s.kinds |= kind
    s.segment(kind, pos, end, (o) => writeExifChunk(s, o))
    pos = end
  }
}
