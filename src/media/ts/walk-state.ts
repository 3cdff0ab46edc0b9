// The state one walk of one file carries: the input, the header facts found so far, and (when
// stripping) the output plan: runs of input kept as they are plus small blocks written here.
import { KIND_EXIF, KIND_OTHER, MAX_STRIP_PIECES, MAX_STRUCTURES } from '../contract.js'
import { containerFault, F } from '../container-faults.js'

export const MODE_READ = 0
export const MODE_STRIP = 1

export class WalkState {
  readonly bytes: Uint8Array
  readonly n: number
  readonly strip: boolean
  readonly keepMask: number
  format = 0
  width = 0
  height = 0
  orientation = 1
  frames = 1
  kinds = 0
  strippable = true
  /** Whether the first EXIF block was seen (it alone gives the orientation). */
  exifSeen = false
  /** Pieces: [source (0 input, 1 written), start, length] triples. */
  readonly pieces: number[] = []
  /** Bytes written by the walker (minimal EXIF, patched headers). */
  readonly written: number[] = []
  /** Something was dropped: when false the strip returns the input itself. */
  dropped = false
  private structures = 0

  constructor(bytes: Uint8Array, mode: number, keepMask: number) {
    this.bytes = bytes
    this.n = bytes.length
    this.strip = mode === MODE_STRIP
    this.keepMask = keepMask
  }

  /** Counts one structure walked; a hostile file cannot make the walk run unbounded. */
  step(offset: number): void {
    if (++this.structures > MAX_STRUCTURES) throw containerFault(F.TOO_MANY, offset)
  }

  // Every read is checked: a walker bug must surface as an exception in the fuzz tests, never as
  // `undefined` quietly read as 0 (the WASM twin could not mirror that).
  private at(i: number, width: number): void {
    if (i < 0 || i + width > this.n) throw new RangeError(`container walker read out of bounds at ${i}`)
  }
  u8(i: number): number {
    this.at(i, 1)
    return this.bytes[i]!
  }
  u16be(i: number): number {
    this.at(i, 2)
    return (this.bytes[i]! << 8) | this.bytes[i + 1]!
  }
  u32be(i: number): number {
    this.at(i, 4)
    return ((this.bytes[i]! << 24) | (this.bytes[i + 1]! << 16) | (this.bytes[i + 2]! << 8) | this.bytes[i + 3]!) >>> 0
  }
  u16le(i: number): number {
    this.at(i, 2)
    return this.bytes[i]! | (this.bytes[i + 1]! << 8)
  }
  u24le(i: number): number {
    this.at(i, 3)
    return this.bytes[i]! | (this.bytes[i + 1]! << 8) | (this.bytes[i + 2]! << 16)
  }
  u32le(i: number): number {
    this.at(i, 4)
    return (this.bytes[i]! | (this.bytes[i + 1]! << 8) | (this.bytes[i + 2]! << 16) | (this.bytes[i + 3]! << 24)) >>> 0
  }

  /** True when bytes [start, end) begin with `pattern`. */
  startsWith(start: number, end: number, pattern: readonly number[]): boolean {
    if (end - start < pattern.length) return false
    if (start < 0 || start + pattern.length > this.n) return false
    for (let i = 0; i < pattern.length; i++) if (this.bytes[start + i] !== pattern[i]) return false
    return true
  }

  /** True when `kind` is dropped by this strip (OTHER always is). */
  drops(kind: number): boolean {
    return kind === KIND_OTHER || (kind !== 0 && (this.keepMask & kind) === 0 && kind !== 16)
  }

  /** Keeps input [start, end), merging with the previous kept run. */
  keep(start: number, end: number): void {
    if (!this.strip || end <= start) return
    const p = this.pieces
    const last = p.length - 3
    if (last >= 0 && p[last] === 0 && p[last + 1]! + p[last + 2]! === start) {
      p[last + 2] = p[last + 2]! + (end - start)
      return
    }
    this.piece(0, start, end - start)
  }

  /** Marks the start of written bytes; returns the offset in `written`. */
  writeMark(): number {
    return this.written.length
  }
  /** Appends one written byte. */
  put(b: number): void {
    this.written.push(b & 0xff)
  }
  /** Emits written bytes [mark, now) as a piece. */
  emitWritten(mark: number): void {
    if (!this.strip) return
    this.piece(1, mark, this.written.length - mark)
  }

  private piece(source: number, start: number, length: number): void {
    if (this.pieces.length >= MAX_STRIP_PIECES * 3) throw containerFault(F.PLAN_FULL)
    this.pieces.push(source, start, length)
  }

  /** Handles one structure of `kind` spanning [start, end): keep, drop, or replace a dropped first EXIF. */
  segment(kind: number, start: number, end: number, writeExif: (orientation: number) => void): void {
    if (!this.strip) return
    if (!this.drops(kind)) {
      this.keep(start, end)
      return
    }
    this.dropped = true
    if (kind === KIND_EXIF && this.orientation !== 1 && !this.exifWritten) {
      this.exifWritten = true
      writeExif(this.orientation)
    }
  }
  exifWritten = false
}
