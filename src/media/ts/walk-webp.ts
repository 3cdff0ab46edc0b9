// WebP: a RIFF chunk list. The first chunk (VP8, VP8L or VP8X) gives the size; stripping rewrites
// the RIFF size and the VP8X EXIF/XMP flags to match the chunks that remain.
import { KIND_EXIF, KIND_ICC, KIND_XMP } from '../contract.js'
import { containerFault, F } from '../container-faults.js'
import { exifOrientation, MINIMAL_TIFF_LENGTH, putMinimalTiff } from './exif.js'
import type { WalkState } from './walk-state.js'

const VP8 = 0x56503820, VP8L = 0x5650384c, VP8X = 0x56503858, ICCP = 0x49434350, ANMF = 0x414e4d46
const EXIF = 0x45584946, XMP = 0x584d5020
const FLAG_EXIF = 0x08, FLAG_XMP = 0x04, FLAG_ANIMATION = 0x02

export function walkWebp(s: WalkState): void {
  const riffSize = s.u32le(4)
  if (riffSize < 4 || riffSize > s.n - 8) throw containerFault(F.WEBP_RIFF, riffSize, s.n)
  const end = 8 + riffSize
  // Output: a written RIFF header whose size is patched at the end.
  const header = s.writeMark()
  for (const b of [0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50]) s.put(b)
  s.emitWritten(header)
  let outSize = 4
  let vp8xFlagsAt = -1
  let flags = 0
  let anmf = 0
  let outExif = false
  let outXmp = false
  let pos = 12
  while (pos < end) {
    s.step(pos)
    if (pos + 8 > end) throw containerFault(F.WEBP_TRUNCATED, pos)
    const type = s.u32be(pos)
    const size = s.u32le(pos + 4)
    if (size > end - pos - 8) throw containerFault(F.WEBP_TRUNCATED, pos)
    const next = pos + 8 + size + (size & 1)
    if (next > end) throw containerFault(F.WEBP_TRUNCATED, pos)
    const d = pos + 8
    let kind = 0
    if (pos === 12) {
      if (type === VP8) {
        if (size < 10 || s.u8(d + 3) !== 0x9d || s.u8(d + 4) !== 0x01 || s.u8(d + 5) !== 0x2a) throw containerFault(F.WEBP_VP8, pos)
        s.width = s.u16le(d + 6) & 0x3fff
        s.height = s.u16le(d + 8) & 0x3fff
        if (s.width === 0 || s.height === 0) throw containerFault(F.WEBP_VP8, pos)
      } else if (type === VP8L) {
        if (size < 5 || s.u8(d) !== 0x2f) throw containerFault(F.WEBP_VP8L, pos)
        const bits = s.u32le(d + 1)
        s.width = (bits & 0x3fff) + 1
        s.height = ((bits >>> 14) & 0x3fff) + 1
      } else if (type === VP8X) {
        if (size < 10) throw containerFault(F.WEBP_VP8X, pos)
        flags = s.u8(d)
        s.width = s.u24le(d + 4) + 1
        s.height = s.u24le(d + 7) + 1
        vp8xFlagsAt = s.written.length + 8
        const mark = s.writeMark()
        // Only the chunk header and the 10 defined bytes are written; any tail is kept as input.
        for (let i = pos; i < pos + 18; i++) s.put(s.u8(i))
        s.emitWritten(mark)
        s.keep(pos + 18, next)
        outSize += next - pos
        pos = next
        continue
      } else {
        throw containerFault(F.WEBP_FIRST)
      }
    } else if (type === ICCP) {
      kind = KIND_ICC
    } else if (type === ANMF) {
      anmf++
    } else if (type === EXIF) {
      kind = KIND_EXIF
      if (!s.exifSeen) {
        s.exifSeen = true
        s.orientation = exifOrientation(s, d, d + size)
      }
    } else if (type === XMP) {
      kind = KIND_XMP
    }
    s.kinds |= kind
    if (s.strip) {
      if (!s.drops(kind)) {
        s.keep(pos, next)
        outSize += next - pos
        if (kind === KIND_EXIF) outExif = true
        if (kind === KIND_XMP) outXmp = true
      } else {
        s.dropped = true
        if (kind === KIND_EXIF && s.orientation !== 1 && !s.exifWritten) {
          s.exifWritten = true
          outExif = true
          const mark = s.writeMark()
          for (const b of [0x45, 0x58, 0x49, 0x46, MINIMAL_TIFF_LENGTH, 0, 0, 0]) s.put(b)
          putMinimalTiff(s, s.orientation)
          s.emitWritten(mark)
          outSize += 8 + MINIMAL_TIFF_LENGTH
        }
      }
    }
    pos = next
  }
  if ((flags & FLAG_ANIMATION) !== 0 && anmf > 0) s.frames = anmf
  if (end < s.n) s.dropped = true
  if (!s.strip) return
  const w = s.written
  w[header + 4] = outSize & 0xff
  w[header + 5] = (outSize >>> 8) & 0xff
  w[header + 6] = (outSize >>> 16) & 0xff
  w[header + 7] = (outSize >>> 24) & 0xff
  if (vp8xFlagsAt >= 0) w[vp8xFlagsAt] = (flags & ~(FLAG_EXIF | FLAG_XMP)) | (outExif ? FLAG_EXIF : 0) | (outXmp ? FLAG_XMP : 0)
}
