// The container walker's AssemblyScript twin (src/media/ts/ is the TypeScript one; the contract is
// src/media/contract.ts). One call per operation: `walk(mode, length, keep)`. The file never has to
// fit in WASM memory: the walker reads it through a fixed 64 KiB window that it refills itself by
// calling the imported `env.load(offset, length)` (JS copies that range of the file into the window),
// so memory stays fixed whatever the file size. Results, the strip plan (pieces of input to keep and
// bytes written here) and faults land in fixed areas the binding reads. No allocation.

@external("env", "load")
declare function loadWindow(offset: i32, length: i32): void

const WINDOW_SIZE: i32 = 65536
const MAX_STRUCTURES: i32 = 100000
const MAX_STRIP_PIECES: i32 = 4096
const WRITTEN_SIZE: i32 = 256

const WINDOW: usize = memory.data(WINDOW_SIZE, 16)
const PIECES: usize = memory.data(MAX_STRIP_PIECES * 12, 16)
const WRITTEN: usize = memory.data(WRITTEN_SIZE, 16)
// f64 slots: format, width, height, orientation, frames, kinds, strippable, dropped, pieces,
// written, faultId, faultA, faultB.
const RESULT: usize = memory.data(16 * 8, 16)

const KIND_EXIF: i32 = 1
const KIND_XMP: i32 = 2
const KIND_IPTC: i32 = 4
const KIND_COMMENT: i32 = 8
const KIND_ICC: i32 = 16
const KIND_OTHER: i32 = 32

// Fault ids: src/media/container-faults.ts.
const F_EMPTY = 1, F_UNKNOWN = 2, F_TOO_MANY = 3, F_PLAN_FULL = 4
const F_PNG_TRUNCATED = 10, F_PNG_LENGTH = 11, F_PNG_TYPE = 12, F_PNG_NO_IHDR = 13, F_PNG_SIZE = 14, F_PNG_NO_IEND = 15, F_PNG_ACTL = 16
const F_JPEG_MARKER = 20, F_JPEG_TRUNCATED = 21, F_JPEG_LENGTH = 22, F_JPEG_SOF = 23, F_JPEG_NO_SOF = 24, F_JPEG_NO_SCAN = 25, F_JPEG_NO_EOI = 26
const F_WEBP_RIFF = 30, F_WEBP_TRUNCATED = 31, F_WEBP_FIRST = 32, F_WEBP_VP8 = 33, F_WEBP_VP8L = 34, F_WEBP_VP8X = 35
const F_GIF_TRUNCATED = 40, F_GIF_BLOCK = 41, F_GIF_SIZE = 42, F_GIF_NO_TRAILER = 43, F_GIF_NO_IMAGE = 44
const F_AVIF_TRUNCATED = 50, F_AVIF_SIZE = 51, F_AVIF_BRAND = 52, F_AVIF_FIELD = 53, F_AVIF_NO_SIZE = 54, F_AVIF_UNSTRIPPABLE = 55

let n: i32 = 0
let winStart: i32 = 0
let winLen: i32 = 0
let strip = false
let keepMask: i32 = 0
let format: i32 = 0
let width: f64 = 0
let height: f64 = 0
let orientation: i32 = 1
let frames: f64 = 1
let kinds: i32 = 0
let strippable = true
let exifSeen = false
let exifWritten = false
let dropped = false
let structures: i32 = 0
let pieceCount: i32 = 0
let writtenLen: i32 = 0
let faultId: i32 = 0
let faultA: f64 = 0
let faultB: f64 = 0

export function windowOffset(): usize {
  return WINDOW
}
export function piecesOffset(): usize {
  return PIECES
}
export function writtenOffset(): usize {
  return WRITTEN
}
export function resultOffset(): usize {
  return RESULT
}

function fail(id: i32, a: f64, b: f64): void {
  if (faultId == 0) {
    faultId = id
    faultA = a
    faultB = b
  }
}

// ---- reading through the window ----

function refill(i: i32): void {
  winStart = i
  winLen = min(WINDOW_SIZE, n - i)
  loadWindow(i, winLen)
}

@inline function at8(i: i32): i32 {
  if (<u32>(i - winStart) >= <u32>winLen) {
    if (<u32>i >= <u32>n) return 0
    refill(i)
  }
  return <i32>load<u8>(WINDOW + <usize>(i - winStart))
}
function u16be(i: i32): i32 {
  return (at8(i) << 8) | at8(i + 1)
}
function u32be(i: i32): u32 {
  return (<u32>at8(i) << 24) | (<u32>at8(i + 1) << 16) | (<u32>at8(i + 2) << 8) | <u32>at8(i + 3)
}
function u16le(i: i32): i32 {
  return at8(i) | (at8(i + 1) << 8)
}
function u24le(i: i32): i32 {
  return at8(i) | (at8(i + 1) << 8) | (at8(i + 2) << 16)
}
function u32le(i: i32): u32 {
  return <u32>at8(i) | (<u32>at8(i + 1) << 8) | (<u32>at8(i + 2) << 16) | (<u32>at8(i + 3) << 24)
}

/** True when [start, end) begins with the `length` bytes at `pattern`. */
function startsWith(start: i32, end: i32, pattern: usize, length: i32): bool {
  if (end - start < length) return false
  if (start < 0 || start + length > n) return false
  for (let k = 0; k < length; k++) if (at8(start + k) != <i32>load<u8>(pattern + <usize>k)) return false
  return true
}

function step(offset: i32): bool {
  if (++structures > MAX_STRUCTURES) {
    fail(F_TOO_MANY, offset, 0)
    return false
  }
  return true
}

// ---- the strip plan ----

function drops(kind: i32): bool {
  return kind == KIND_OTHER || (kind != 0 && (keepMask & kind) == 0 && kind != KIND_ICC)
}

function piece(source: i32, start: i32, length: i32): void {
  if (pieceCount >= MAX_STRIP_PIECES) {
    fail(F_PLAN_FULL, 0, 0)
    return
  }
  const at = PIECES + <usize>(pieceCount * 12)
  store<i32>(at, source)
  store<i32>(at, start, 4)
  store<i32>(at, length, 8)
  pieceCount++
}

function keep(start: i32, end: i32): void {
  if (!strip || end <= start) return
  if (pieceCount > 0) {
    const at = PIECES + <usize>((pieceCount - 1) * 12)
    if (load<i32>(at) == 0 && load<i32>(at, 4) + load<i32>(at, 8) == start) {
      store<i32>(at, load<i32>(at, 8) + (end - start), 8)
      return
    }
  }
  piece(0, start, end - start)
}

function put(b: i32): void {
  if (writtenLen < WRITTEN_SIZE) store<u8>(WRITTEN + <usize>writtenLen, <u8>b)
  writtenLen++
}
function emitWritten(mark: i32): void {
  if (!strip) return
  piece(1, mark, writtenLen - mark)
}

const EXIF_PNG: i32 = 1, EXIF_JPEG: i32 = 2

function segment(kind: i32, start: i32, end: i32, exifForm: i32): void {
  if (!strip) return
  if (!drops(kind)) {
    keep(start, end)
    return
  }
  dropped = true
  if (kind == KIND_EXIF && orientation != 1 && !exifWritten) {
    exifWritten = true
    if (exifForm == EXIF_PNG) writeExifChunk(orientation)
    else if (exifForm == EXIF_JPEG) writeExifSegment(orientation)
  }
}

// ---- EXIF ----

const MINIMAL_TIFF_LENGTH: i32 = 26

function exifOrientation(start: i32, end: i32): i32 {
  let t = start
  if (end - t >= 6 && u32be(t) == 0x45786966 && u16be(t + 4) == 0) t += 6
  if (end - t < 8) return 1
  const order = u16be(t)
  const le = order == 0x4949
  if (!le && order != 0x4d4d) return 1
  if ((le ? u16le(t + 2) : u16be(t + 2)) != 42) return 1
  const ifd: i64 = <i64>(le ? u32le(t + 4) : u32be(t + 4))
  if (ifd > <i64>(end - t - 2)) return 1
  const at = t + <i32>ifd
  const count = le ? u16le(at) : u16be(at)
  for (let k = 0; k < count; k++) {
    const e = at + 2 + k * 12
    if (e + 12 > end) return 1
    if ((le ? u16le(e) : u16be(e)) == 0x0112) {
      if ((le ? u16le(e + 2) : u16be(e + 2)) != 3 || (le ? u32le(e + 4) : u32be(e + 4)) != 1) return 1
      const v = le ? u16le(e + 8) : u16be(e + 8)
      return v >= 1 && v <= 8 ? v : 1
    }
  }
  return 1
}

function putMinimalTiff(o: i32): void {
  put(0x4d); put(0x4d); put(0); put(0x2a); put(0); put(0); put(0); put(8)
  put(0); put(1); put(0x01); put(0x12); put(0); put(3); put(0); put(0); put(0); put(1)
  put(0); put(o); put(0); put(0); put(0); put(0); put(0); put(0)
}

function writeExifChunk(o: i32): void {
  const mark = writtenLen
  put(0); put(0); put(0); put(MINIMAL_TIFF_LENGTH); put(0x65); put(0x58); put(0x49); put(0x66)
  putMinimalTiff(o)
  let crc: u32 = 0xffffffff
  for (let i = mark + 4; i < writtenLen; i++) {
    crc ^= <u32>load<u8>(WRITTEN + <usize>i)
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & (0 - (crc & 1)))
  }
  crc = ~crc
  put(<i32>(crc >>> 24)); put(<i32>(crc >>> 16) & 0xff); put(<i32>(crc >>> 8) & 0xff); put(<i32>crc & 0xff)
  emitWritten(mark)
}

function writeExifSegment(o: i32): void {
  const mark = writtenLen
  const length = 2 + 6 + MINIMAL_TIFF_LENGTH
  put(0xff); put(0xe1); put(length >> 8); put(length & 0xff)
  put(0x45); put(0x78); put(0x69); put(0x66); put(0); put(0)
  putMinimalTiff(o)
  emitWritten(mark)
}

// ---- byte strings ----

const KW_XMP = memory.data<u8>([0x58, 0x4d, 0x4c, 0x3a, 0x63, 0x6f, 0x6d, 0x2e, 0x61, 0x64, 0x6f, 0x62, 0x65, 0x2e, 0x78, 0x6d, 0x70, 0]) // XML:com.adobe.xmp\0
// "Raw profile type " then exif / APP1 / iptc / 8bim / xmp, each with its NUL.
const KW_RAW = memory.data<u8>([0x52, 0x61, 0x77, 0x20, 0x70, 0x72, 0x6f, 0x66, 0x69, 0x6c, 0x65, 0x20, 0x74, 0x79, 0x70, 0x65, 0x20])
const RAW_EXIF = memory.data<u8>([0x65, 0x78, 0x69, 0x66, 0])
const RAW_APP1 = memory.data<u8>([0x41, 0x50, 0x50, 0x31, 0])
const RAW_IPTC = memory.data<u8>([0x69, 0x70, 0x74, 0x63, 0])
const RAW_8BIM = memory.data<u8>([0x38, 0x62, 0x69, 0x6d, 0])
const RAW_XMP = memory.data<u8>([0x78, 0x6d, 0x70, 0])
const ID_JFIF = memory.data<u8>([0x4a, 0x46, 0x49, 0x46, 0])
const ID_EXIF = memory.data<u8>([0x45, 0x78, 0x69, 0x66, 0, 0])
// http://ns.adobe.com/ then xap/1.0/\0 or xmp/extension/\0
const ID_ADOBE_NS = memory.data<u8>([0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f, 0x2f, 0x6e, 0x73, 0x2e, 0x61, 0x64, 0x6f, 0x62, 0x65, 0x2e, 0x63, 0x6f, 0x6d, 0x2f])
const ID_XAP = memory.data<u8>([0x78, 0x61, 0x70, 0x2f, 0x31, 0x2e, 0x30, 0x2f, 0])
const ID_XMP_EXT = memory.data<u8>([0x78, 0x6d, 0x70, 0x2f, 0x65, 0x78, 0x74, 0x65, 0x6e, 0x73, 0x69, 0x6f, 0x6e, 0x2f, 0])
const ID_ICC = memory.data<u8>([0x49, 0x43, 0x43, 0x5f, 0x50, 0x52, 0x4f, 0x46, 0x49, 0x4c, 0x45, 0])
const ID_ADOBE = memory.data<u8>([0x41, 0x64, 0x6f, 0x62, 0x65])
const APP_NETSCAPE = memory.data<u8>([11, 0x4e, 0x45, 0x54, 0x53, 0x43, 0x41, 0x50, 0x45, 0x32, 0x2e, 0x30])
const APP_ANIMEXTS = memory.data<u8>([11, 0x41, 0x4e, 0x49, 0x4d, 0x45, 0x58, 0x54, 0x53, 0x31, 0x2e, 0x30])
const APP_XMP = memory.data<u8>([11, 0x58, 0x4d, 0x50, 0x20, 0x44, 0x61, 0x74, 0x61, 0x58, 0x4d, 0x50])
const APP_ICC = memory.data<u8>([11, 0x49, 0x43, 0x43, 0x52, 0x47, 0x42, 0x47, 0x31, 0x30, 0x31, 0x32])
const XMP_MIME = memory.data<u8>([0x61, 0x70, 0x70, 0x6c, 0x69, 0x63, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x2f, 0x72, 0x64, 0x66, 0x2b, 0x78, 0x6d, 0x6c, 0])

// ---- PNG ----

function isLetter(b: i32): bool {
  return (b >= 65 && b <= 90) || (b >= 97 && b <= 122)
}

function textKind(d: i32, end: i32): i32 {
  if (startsWith(d, end, KW_XMP, 18)) return KIND_XMP
  if (startsWith(d, end, KW_RAW, 17)) {
    const r = d + 17
    if (startsWith(r, end, RAW_XMP, 4)) return KIND_XMP
    if (startsWith(r, end, RAW_EXIF, 5) || startsWith(r, end, RAW_APP1, 5)) return KIND_EXIF
    if (startsWith(r, end, RAW_IPTC, 5) || startsWith(r, end, RAW_8BIM, 5)) return KIND_IPTC
  }
  return KIND_COMMENT
}

function walkPng(): void {
  let pos = 8
  keep(0, 8)
  while (true) {
    if (!step(pos)) return
    if (pos + 8 > n) {
      fail(pos == n ? F_PNG_NO_IEND : F_PNG_TRUNCATED, pos, 0)
      return
    }
    const length = u32be(pos)
    if (length > 0x7fffffff) {
      fail(F_PNG_LENGTH, pos, <f64>length)
      return
    }
    const type = u32be(pos + 4)
    if (!isLetter(at8(pos + 4)) || !isLetter(at8(pos + 5)) || !isLetter(at8(pos + 6)) || !isLetter(at8(pos + 7))) {
      fail(F_PNG_TYPE, pos, 0)
      return
    }
    const end64: i64 = <i64>pos + 12 + <i64>length
    if (end64 > <i64>n) {
      fail(F_PNG_TRUNCATED, pos, 0)
      return
    }
    const end = <i32>end64
    const d = pos + 8
    if (pos == 8) {
      if (type != 0x49484452 || length != 13) {
        fail(F_PNG_NO_IHDR, 0, 0)
        return
      }
      const w = u32be(d)
      const h = u32be(d + 4)
      width = <f64>w
      height = <f64>h
      if (w == 0 || h == 0 || w > 0x7fffffff || h > 0x7fffffff) {
        fail(F_PNG_SIZE, 0, 0)
        return
      }
    }
    let kind = 0
    if (type == 0x49454e44) {
      keep(pos, end)
      if (end < n) dropped = true
      return
    } else if (type == 0x6163544c) {
      if (length != 8 || u32be(d) == 0) {
        fail(F_PNG_ACTL, pos, 0)
        return
      }
      frames = <f64>u32be(d)
    } else if (type == 0x65584966) {
      kind = KIND_EXIF
      if (!exifSeen) {
        exifSeen = true
        orientation = exifOrientation(d, d + <i32>length)
      }
    } else if (type == 0x69434350) {
      kind = KIND_ICC
    } else if (type == 0x74455874 || type == 0x7a545874 || type == 0x69545874) {
      kind = textKind(d, d + <i32>length)
    } else if (type == 0x74494d45) {
      kind = KIND_OTHER
    }
    if (kind != KIND_OTHER) kinds |= kind
    segment(kind, pos, end, EXIF_PNG)
    if (faultId != 0) return
    pos = end
  }
}

// ---- JPEG ----

function isSof(m: i32): bool {
  return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc
}

/** Offset of the marker that ends the entropy-coded data starting at `q`, or -1 after a fault. */
function skipEntropy(q: i32): i32 {
  let i = q
  while (true) {
    if (i >= n) {
      fail(F_JPEG_NO_EOI, n, 0)
      return -1
    }
    let rel = i - winStart
    if (<u32>rel >= <u32>winLen) {
      refill(i)
      rel = 0
    }
    const end = winLen
    // 16 bytes at a time until one of them is 0xFF.
    const ff = i8x16.splat(-1)
    while (rel + 16 <= end && !v128.any_true(i8x16.eq(v128.load(WINDOW + <usize>rel), ff))) rel += 16
    while (rel < end && load<u8>(WINDOW + <usize>rel) != 0xff) rel++
    i = winStart + rel
    if (rel == end) continue
    if (i + 1 >= n) {
      fail(F_JPEG_NO_EOI, n, 0)
      return -1
    }
    const b = at8(i + 1)
    if (b == 0 || (b >= 0xd0 && b <= 0xd7) || b == 0xff) i = i + 1
    else return i
  }
  return -1
}

function walkJpeg(): void {
  let pos = 2
  let sawSof = false
  keep(0, 2)
  while (true) {
    if (!step(pos)) return
    if (pos >= n) {
      fail(strip ? F_JPEG_NO_EOI : F_JPEG_NO_SCAN, pos, 0)
      return
    }
    if (at8(pos) != 0xff) {
      fail(F_JPEG_MARKER, pos, 0)
      return
    }
    let m = pos + 1
    while (m < n && at8(m) == 0xff) m++
    if (m >= n) {
      fail(F_JPEG_TRUNCATED, pos, 0)
      return
    }
    const marker = at8(m)
    const p = m + 1
    if (marker == 0xd9) {
      if (!sawSof) {
        fail(F_JPEG_NO_SOF, pos, 0)
        return
      }
      if (!strip) {
        fail(F_JPEG_NO_SCAN, pos, 0)
        return
      }
      keep(pos, p)
      if (p < n) dropped = true
      return
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker == 0x01) {
      keep(pos, p)
      if (faultId != 0) return
      pos = p
      continue
    }
    if (marker == 0x00 || marker == 0xd8) {
      fail(F_JPEG_MARKER, pos, 0)
      return
    }
    if (p + 2 > n) {
      fail(F_JPEG_TRUNCATED, pos, 0)
      return
    }
    const length = u16be(p)
    if (length < 2) {
      fail(F_JPEG_LENGTH, pos, <f64>length)
      return
    }
    const end = p + length
    if (end > n) {
      fail(F_JPEG_TRUNCATED, pos, 0)
      return
    }
    const d = p + 2
    let kind = 0
    if (isSof(marker)) {
      if (length < 8) {
        fail(F_JPEG_SOF, pos, 0)
        return
      }
      const h = u16be(d + 1)
      const w = u16be(d + 3)
      if (w == 0 || h == 0) {
        fail(F_JPEG_SOF, pos, 0)
        return
      }
      if (!sawSof) {
        sawSof = true
        width = <f64>w
        height = <f64>h
      }
    } else if (marker == 0xda) {
      if (!sawSof) {
        fail(F_JPEG_NO_SOF, pos, 0)
        return
      }
      if (!strip) return
      const next = skipEntropy(end)
      if (next < 0) return
      keep(pos, next)
      if (faultId != 0) return
      pos = next
      continue
    } else if (marker == 0xe0) {
      kind = startsWith(d, end, ID_JFIF, 5) ? 0 : KIND_OTHER
    } else if (marker == 0xe1) {
      if (startsWith(d, end, ID_EXIF, 6)) {
        kind = KIND_EXIF
        if (!exifSeen) {
          exifSeen = true
          orientation = exifOrientation(d + 6, end)
        }
      } else if (startsWith(d, end, ID_ADOBE_NS, 20) && (startsWith(d + 20, end, ID_XAP, 9) || startsWith(d + 20, end, ID_XMP_EXT, 15))) {
        kind = KIND_XMP
      } else kind = KIND_OTHER
    } else if (marker == 0xe2) {
      kind = startsWith(d, end, ID_ICC, 12) ? KIND_ICC : KIND_OTHER
    } else if (marker == 0xed) {
      kind = KIND_IPTC
    } else if (marker == 0xee) {
      kind = startsWith(d, end, ID_ADOBE, 5) ? 0 : KIND_OTHER
    } else if (marker >= 0xe3 && marker <= 0xef) {
      kind = KIND_OTHER
    } else if (marker == 0xfe) {
      kind = KIND_COMMENT
    }
    if (kind != KIND_OTHER) kinds |= kind
    segment(kind, pos, end, EXIF_JPEG)
    if (faultId != 0) return
    pos = end
  }
}

// ---- WebP ----

function walkWebp(): void {
  const riffSize = u32le(4)
  if (riffSize < 4 || <i64>riffSize > <i64>(n - 8)) {
    fail(F_WEBP_RIFF, <f64>riffSize, n)
    return
  }
  const end = 8 + <i32>riffSize
  const header = writtenLen
  put(0x52); put(0x49); put(0x46); put(0x46); put(0); put(0); put(0); put(0); put(0x57); put(0x45); put(0x42); put(0x50)
  emitWritten(header)
  let outSize: u32 = 4
  let vp8xFlagsAt = -1
  let flags = 0
  let anmf: f64 = 0
  let outExif = false
  let outXmp = false
  let pos = 12
  while (pos < end) {
    if (!step(pos)) return
    if (pos + 8 > end) {
      fail(F_WEBP_TRUNCATED, pos, 0)
      return
    }
    const type = u32be(pos)
    const size = u32le(pos + 4)
    if (<i64>size > <i64>(end - pos - 8)) {
      fail(F_WEBP_TRUNCATED, pos, 0)
      return
    }
    const next = pos + 8 + <i32>size + <i32>(size & 1)
    if (next > end) {
      fail(F_WEBP_TRUNCATED, pos, 0)
      return
    }
    const d = pos + 8
    let kind = 0
    if (pos == 12) {
      if (type == 0x56503820) {
        if (size < 10 || at8(d + 3) != 0x9d || at8(d + 4) != 0x01 || at8(d + 5) != 0x2a) {
          fail(F_WEBP_VP8, pos, 0)
          return
        }
        width = <f64>(u16le(d + 6) & 0x3fff)
        height = <f64>(u16le(d + 8) & 0x3fff)
        if (width == 0 || height == 0) {
          fail(F_WEBP_VP8, pos, 0)
          return
        }
      } else if (type == 0x5650384c) {
        if (size < 5 || at8(d) != 0x2f) {
          fail(F_WEBP_VP8L, pos, 0)
          return
        }
        const bits = u32le(d + 1)
        width = <f64>((bits & 0x3fff) + 1)
        height = <f64>(((bits >>> 14) & 0x3fff) + 1)
      } else if (type == 0x56503858) {
        if (size < 10) {
          fail(F_WEBP_VP8X, pos, 0)
          return
        }
        flags = at8(d)
        width = <f64>(u24le(d + 4) + 1)
        height = <f64>(u24le(d + 7) + 1)
        vp8xFlagsAt = writtenLen + 8
        const mark = writtenLen
        for (let i = pos; i < pos + 18; i++) put(at8(i))
        emitWritten(mark)
        keep(pos + 18, next)
        if (faultId != 0) return
        outSize += <u32>(next - pos)
        pos = next
        continue
      } else {
        fail(F_WEBP_FIRST, 0, 0)
        return
      }
    } else if (type == 0x49434350) {
      kind = KIND_ICC
    } else if (type == 0x414e4d46) {
      anmf++
    } else if (type == 0x45584946) {
      kind = KIND_EXIF
      if (!exifSeen) {
        exifSeen = true
        orientation = exifOrientation(d, d + <i32>size)
      }
    } else if (type == 0x584d5020) {
      kind = KIND_XMP
    }
    kinds |= kind
    if (strip) {
      if (!drops(kind)) {
        keep(pos, next)
        outSize += <u32>(next - pos)
        if (kind == KIND_EXIF) outExif = true
        if (kind == KIND_XMP) outXmp = true
      } else {
        dropped = true
        if (kind == KIND_EXIF && orientation != 1 && !exifWritten) {
          exifWritten = true
          outExif = true
          const mark = writtenLen
          put(0x45); put(0x58); put(0x49); put(0x46); put(MINIMAL_TIFF_LENGTH); put(0); put(0); put(0)
          putMinimalTiff(orientation)
          emitWritten(mark)
          outSize += <u32>(8 + MINIMAL_TIFF_LENGTH)
        }
      }
      if (faultId != 0) return
    }
    pos = next
  }
  if ((flags & 0x02) != 0 && anmf > 0) frames = anmf
  if (end < n) dropped = true
  if (!strip) return
  store<u8>(WRITTEN + <usize>(header + 4), <u8>outSize)
  store<u8>(WRITTEN + <usize>(header + 5), <u8>(outSize >>> 8))
  store<u8>(WRITTEN + <usize>(header + 6), <u8>(outSize >>> 16))
  store<u8>(WRITTEN + <usize>(header + 7), <u8>(outSize >>> 24))
  if (vp8xFlagsAt >= 0) {
    store<u8>(WRITTEN + <usize>vp8xFlagsAt, <u8>((flags & ~(0x08 | 0x04)) | (outExif ? 0x08 : 0) | (outXmp ? 0x04 : 0)))
  }
}

// ---- GIF ----

/** Offset after the sub-block chain at `q`, or -1 after a fault. */
function subBlocks(q: i32, block: i32): i32 {
  while (true) {
    if (q >= n) {
      fail(F_GIF_TRUNCATED, block, 0)
      return -1
    }
    const size = at8(q)
    q += 1 + size
    if (size == 0) return q
  }
  return -1
}

function walkGif(): void {
  if (n < 13) {
    fail(F_GIF_TRUNCATED, 0, 0)
    return
  }
  width = <f64>u16le(6)
  height = <f64>u16le(8)
  if (width == 0 || height == 0) {
    fail(F_GIF_SIZE, 0, 0)
    return
  }
  const flags = at8(10)
  let pos = 13 + ((flags & 0x80) != 0 ? 3 << ((flags & 7) + 1) : 0)
  if (pos > n) {
    fail(F_GIF_TRUNCATED, 0, 0)
    return
  }
  keep(0, pos)
  let images: f64 = 0
  while (true) {
    if (!step(pos)) return
    if (pos >= n) {
      fail(F_GIF_NO_TRAILER, pos, 0)
      return
    }
    const introducer = at8(pos)
    if (introducer == 0x3b) {
      if (images == 0) {
        fail(F_GIF_NO_IMAGE, 0, 0)
        return
      }
      frames = images
      keep(pos, pos + 1)
      if (pos + 1 < n) dropped = true
      return
    }
    let kind = 0
    let next: i32 = 0
    if (introducer == 0x2c) {
      if (pos + 10 > n) {
        fail(F_GIF_TRUNCATED, pos, 0)
        return
      }
      images++
      const local = at8(pos + 9)
      const q = pos + 10 + ((local & 0x80) != 0 ? 3 << ((local & 7) + 1) : 0) + 1
      if (q > n) {
        fail(F_GIF_TRUNCATED, pos, 0)
        return
      }
      next = subBlocks(q, pos)
    } else if (introducer == 0x21) {
      if (pos + 2 > n) {
        fail(F_GIF_TRUNCATED, pos, 0)
        return
      }
      const label = at8(pos + 1)
      const q = pos + 2
      if (label == 0xff) {
        if (startsWith(q, n, APP_NETSCAPE, 12) || startsWith(q, n, APP_ANIMEXTS, 12)) kind = 0
        else if (startsWith(q, n, APP_ICC, 12)) kind = KIND_ICC
        else if (startsWith(q, n, APP_XMP, 12)) kind = KIND_XMP
        else kind = KIND_OTHER
      } else if (label == 0xfe) {
        kind = KIND_COMMENT
      }
      next = subBlocks(q, pos)
    } else {
      fail(F_GIF_BLOCK, pos, 0)
      return
    }
    if (next < 0) return
    if (kind != KIND_OTHER) kinds |= kind
    segment(kind, pos, next, 0)
    if (faultId != 0) return
    pos = next
  }
}

// ---- AVIF ----

let boxEnd: i32 = 0
let boxType: u32 = 0

/** Opens the box at `pos` inside [.., parentEnd): sets boxEnd/boxType, returns the payload start or -1. */
function openBox(pos: i32, parentEnd: i32): i32 {
  if (!step(pos)) return -1
  if (pos + 8 > parentEnd) {
    fail(F_AVIF_TRUNCATED, pos, 0)
    return -1
  }
  let size: u32 = u32be(pos)
  boxType = u32be(pos + 4)
  let header = 8
  if (size == 1) {
    if (pos + 16 > parentEnd) {
      fail(F_AVIF_TRUNCATED, pos, 0)
      return -1
    }
    if (u32be(pos + 8) != 0) {
      fail(F_AVIF_TRUNCATED, pos, 0)
      return -1
    }
    size = u32be(pos + 12)
    header = 16
  } else if (size == 0) {
    size = <u32>(parentEnd - pos)
  }
  if (size < <u32>header) {
    fail(F_AVIF_SIZE, pos, <f64>size)
    return -1
  }
  if (<i64>size > <i64>(parentEnd - pos)) {
    fail(F_AVIF_TRUNCATED, pos, 0)
    return -1
  }
  boxEnd = pos + <i32>size
  return pos + header
}

function need(at: i32, bytes: i32, end: i32, box: i32): bool {
  if (at + bytes > end) {
    fail(F_AVIF_FIELD, box, 0)
    return false
  }
  return true
}

const ROTATE = memory.data<u8>([1, 8, 3, 6])
const MIRROR_0 = memory.data<u8>([2, 7, 4, 5])
const MIRROR_1 = memory.data<u8>([4, 5, 2, 7])

function walkAvif(): void {
  let brand = false
  let primary: i64 = -1
  let ipcoStart = -1, ipcoEnd = 0, ipmaStart = -1, ipmaEnd = 0, ipmaAt = 0
  let pos = 0
  while (pos < n) {
    const d = openBox(pos, n)
    if (d < 0) return
    const type = boxType
    const end = boxEnd
    if (pos == 0) {
      if (!need(d, 8, end, pos)) return
      for (let i = d; i + 4 <= end; i += i == d ? 8 : 4) {
        const x = u32be(i)
        if (x == 0x61766966 || x == 0x61766973) brand = true
      }
      if (!brand) {
        fail(F_AVIF_BRAND, 0, 0)
        return
      }
    } else if (type == 0x6d657461) {
      if (!need(d, 4, end, pos)) return
      let c = d + 4
      while (c < end) {
        const cd = openBox(c, end)
        if (cd < 0) return
        const ct = boxType
        const ce = boxEnd
        if (ct == 0x7069746d) {
          if (!need(cd, 4, ce, c)) return
          const v = at8(cd)
          if (!need(cd + 4, v == 0 ? 2 : 4, ce, c)) return
          primary = v == 0 ? <i64>u16be(cd + 4) : <i64>u32be(cd + 4)
        } else if (ct == 0x69696e66) {
          if (!need(cd, 4, ce, c)) return
          const v = at8(cd)
          let e = cd + 4 + (v == 0 ? 2 : 4)
          if (!need(cd + 4, v == 0 ? 2 : 4, ce, c)) return
          while (e < ce) {
            const ed = openBox(e, ce)
            if (ed < 0) return
            const ee = boxEnd
            if (boxType == 0x696e6665) {
              if (!need(ed, 4, ee, e)) return
              const iv = at8(ed)
              if (iv >= 2) {
                const typeAt = ed + 4 + (iv == 2 ? 2 : 4) + 2
                if (!need(typeAt, 4, ee, e)) return
                const itemType = u32be(typeAt)
                if (itemType == 0x45786966) kinds |= KIND_EXIF
                else if (itemType == 0x6d696d65) {
                  let z = typeAt + 4
                  while (z < ee && at8(z) != 0) z++
                  if (startsWith(z + 1, ee, XMP_MIME, 20)) kinds |= KIND_XMP
                }
              }
            }
            e = ee
          }
        } else if (ct == 0x69707270) {
          let p = cd
          while (p < ce) {
            const pd = openBox(p, ce)
            if (pd < 0) return
            if (boxType == 0x6970636f && ipcoStart < 0) {
              ipcoStart = pd
              ipcoEnd = boxEnd
            } else if (boxType == 0x69706d61 && ipmaStart < 0) {
              ipmaStart = pd
              ipmaEnd = boxEnd
              ipmaAt = p
            }
            p = boxEnd
          }
        }
        c = ce
      }
    }
    pos = end
  }
  strippable = (kinds & (KIND_EXIF | KIND_XMP)) == 0
  if (primary < 0 || ipcoStart < 0 || ipmaStart < 0) {
    fail(F_AVIF_NO_SIZE, 0, 0)
    return
  }
  if (!need(ipmaStart, 8, ipmaEnd, ipmaAt)) return
  const v = at8(ipmaStart)
  const wide = (at8(ipmaStart + 3) & 1) != 0
  const count = u32be(ipmaStart + 4)
  let q = ipmaStart + 8
  let angle = 0
  let mirror = -1
  let sized = false
  for (let k: u32 = 0; k < count; k++) {
    if (!step(q)) return
    if (!need(q, (v < 1 ? 2 : 4) + 1, ipmaEnd, ipmaAt)) return
    const id: i64 = v < 1 ? <i64>u16be(q) : <i64>u32be(q)
    q += v < 1 ? 2 : 4
    const associations = at8(q)
    q += 1
    if (!need(q, associations * (wide ? 2 : 1), ipmaEnd, ipmaAt)) return
    if (id != primary) {
      q += associations * (wide ? 2 : 1)
      continue
    }
    for (let a = 0; a < associations; a++) {
      const index = wide ? u16be(q) & 0x7fff : at8(q) & 0x7f
      q += wide ? 2 : 1
      if (index == 0) continue
      let p = ipcoStart
      let i = 1
      let found = -1
      while (p < ipcoEnd) {
        const pd = openBox(p, ipcoEnd)
        if (pd < 0) return
        if (i == index) {
          found = pd
          break
        }
        i++
        p = boxEnd
      }
      if (found < 0) continue
      const pt = boxType
      const pe = boxEnd
      if (pt == 0x69737065) {
        if (!need(found, 12, pe, p)) return
        width = <f64>u32be(found + 4)
        height = <f64>u32be(found + 8)
        sized = true
      } else if (pt == 0x69726f74) {
        if (!need(found, 1, pe, p)) return
        angle = at8(found) & 3
      } else if (pt == 0x696d6972) {
        if (!need(found, 1, pe, p)) return
        mirror = at8(found) & 1
      } else if (pt == 0x636f6c72) {
        if (!need(found, 4, pe, p)) return
        const colourType = u32be(found)
        if (colourType == 0x70726f66 || colourType == 0x72494343) kinds |= KIND_ICC
      }
    }
  }
  if (!sized || width == 0 || height == 0) {
    fail(F_AVIF_NO_SIZE, 0, 0)
    return
  }
  const table = mirror < 0 ? ROTATE : mirror == 0 ? MIRROR_0 : MIRROR_1
  orientation = <i32>load<u8>(table + <usize>angle)
  if (strip && !strippable) fail(F_AVIF_UNSTRIPPABLE, 0, 0)
}

// ---- entry ----

function sniff(): i32 {
  if (n == 0) return -F_EMPTY
  if (n >= 8 && u32be(0) == 0x89504e47 && u32be(4) == 0x0d0a1a0a) return 0
  if (n >= 3 && at8(0) == 0xff && at8(1) == 0xd8 && at8(2) == 0xff) return 1
  if (n >= 12 && u32be(0) == 0x52494646 && u32be(8) == 0x57454250) return 2
  if (n >= 6 && u32be(0) == 0x47494638 && (at8(4) == 0x37 || at8(4) == 0x39) && at8(5) == 0x61) return 3
  if (n >= 8 && u32be(4) == 0x66747970) return 4
  return -F_UNKNOWN
}

/**
 * Walks a file of `length` bytes (mode 0 read, 1 strip, `keep` the KIND_* bits to keep). Returns 0
 * or a fault id; the facts, the plan and the fault arguments are in the RESULT area.
 */
export function walk(mode: i32, length: i32, keepBits: i32): i32 {
  n = length
  winStart = 0
  winLen = 0
  strip = mode == 1
  keepMask = keepBits
  width = 0
  height = 0
  orientation = 1
  frames = 1
  kinds = 0
  strippable = true
  exifSeen = false
  exifWritten = false
  dropped = false
  structures = 0
  pieceCount = 0
  writtenLen = 0
  faultId = 0
  faultA = 0
  faultB = 0
  const f = sniff()
  if (f < 0) fail(-f, 0, 0)
  else {
    format = f
    if (f == 0) walkPng()
    else if (f == 1) walkJpeg()
    else if (f == 2) walkWebp()
    else if (f == 3) walkGif()
    else walkAvif()
  }
  store<f64>(RESULT, <f64>format, 0)
  store<f64>(RESULT, width, 8)
  store<f64>(RESULT, height, 16)
  store<f64>(RESULT, <f64>orientation, 24)
  store<f64>(RESULT, frames, 32)
  store<f64>(RESULT, <f64>kinds, 40)
  store<f64>(RESULT, strippable ? 1 : 0, 48)
  store<f64>(RESULT, dropped ? 1 : 0, 56)
  store<f64>(RESULT, <f64>pieceCount, 64)
  store<f64>(RESULT, <f64>writtenLen, 72)
  store<f64>(RESULT, <f64>faultId, 80)
  store<f64>(RESULT, faultA, 88)
  store<f64>(RESULT, faultB, 96)
  return faultId
}
