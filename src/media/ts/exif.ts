// EXIF orientation: read from IFD0 of a TIFF block, and the minimal block written back when a strip
// drops the rest (IFD0 with one Orientation entry: no GPS, no serial, no thumbnail).
import type { WalkState } from './walk-state.js'

/** Bytes of the minimal TIFF block {@link putMinimalTiff} writes. */
export const MINIMAL_TIFF_LENGTH = 26

/**
 * Orientation (1–8) from the TIFF block in [start, end), which may begin with `Exif\0\0`.
 * Lenient on purpose: a damaged EXIF gives 1, the image itself is still fine to store.
 */
export function exifOrientation(s: WalkState, start: number, end: number): number {
  let t = start
  if (end - t >= 6 && s.u32be(t) === 0x45786966 && s.u16be(t + 4) === 0) t += 6
  if (end - t < 8) return 1
  const order = s.u16be(t)
  const le = order === 0x4949
  if (!le && order !== 0x4d4d) return 1
  const u16 = (i: number) => (le ? s.u16le(i) : s.u16be(i))
  const u32 = (i: number) => (le ? s.u32le(i) : s.u32be(i))
  if (u16(t + 2) !== 42) return 1
  const ifd = u32(t + 4)
  if (ifd > end - t - 2) return 1
  const at = t + ifd
  const count = u16(at)
  for (let k = 0; k < count; k++) {
    const e = at + 2 + k * 12
    if (e + 12 > end) return 1
    if (u16(e) === 0x0112) {
      if (u16(e + 2) !== 3 || u32(e + 4) !== 1) return 1
      const v = u16(e + 8)
      return v >= 1 && v <= 8 ? v : 1
    }
  }
  return 1
}

/** Writes a big-endian TIFF block holding only IFD0 Orientation = `orientation`. */
export function putMinimalTiff(s: WalkState, orientation: number): void {
  const b = [0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0]
  for (const x of b) s.put(x)
}
