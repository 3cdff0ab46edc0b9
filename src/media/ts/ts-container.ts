// The pure-TypeScript container codec: sniff the signature, walk that format's structures.
import type { ContainerCodec, ImageContainerInfo, StripOptions } from '../contract.js'
import { containerFault, F } from '../container-faults.js'
import { assemblePieces, checkImageBytes, containerInfo, keepMask } from '../container-input.js'
import { walkAvif } from './walk-avif.js'
import { walkGif } from './walk-gif.js'
import { walkJpeg } from './walk-jpeg.js'
import { walkPng } from './walk-png.js'
import { MODE_READ, MODE_STRIP, WalkState } from './walk-state.js'
import { walkWebp } from './walk-webp.js'

const FORMAT_PNG = 0, FORMAT_JPEG = 1, FORMAT_WEBP = 2, FORMAT_GIF = 3, FORMAT_AVIF = 4

/** Format index (contract FORMAT_CODES) from the signature; throws EMPTY / UNKNOWN. */
function sniff(s: WalkState): number {
  const n = s.n
  if (n === 0) throw containerFault(F.EMPTY)
  if (n >= 8 && s.u32be(0) === 0x89504e47 && s.u32be(4) === 0x0d0a1a0a) return FORMAT_PNG
  if (n >= 3 && s.u8(0) === 0xff && s.u8(1) === 0xd8 && s.u8(2) === 0xff) return FORMAT_JPEG
  if (n >= 12 && s.u32be(0) === 0x52494646 && s.u32be(8) === 0x57454250) return FORMAT_WEBP
  if (n >= 6 && s.u32be(0) === 0x47494638 && (s.u8(4) === 0x37 || s.u8(4) === 0x39) && s.u8(5) === 0x61) return FORMAT_GIF
  if (n >= 8 && s.u32be(4) === 0x66747970) return FORMAT_AVIF
  throw containerFault(F.UNKNOWN)
}

function walk(bytes: Uint8Array, mode: number, keep: number): WalkState {
  const s = new WalkState(bytes, mode, keep)
  s.format = sniff(s)
  if (s.format === FORMAT_PNG) walkPng(s)
  else if (s.format === FORMAT_JPEG) walkJpeg(s)
  else if (s.format === FORMAT_WEBP) walkWebp(s)
  else if (s.format === FORMAT_GIF) walkGif(s)
  else walkAvif(s)
  return s
}

function readImageContainer(bytes: Uint8Array): ImageContainerInfo {
  checkImageBytes(bytes)
  const s = walk(bytes, MODE_READ, 0)
  return containerInfo(s.format, s.width, s.height, s.orientation, s.frames, s.kinds, s.strippable)
}

function stripImageMetadata(bytes: Uint8Array, options?: StripOptions): Uint8Array {
  checkImageBytes(bytes)
  const s = walk(bytes, MODE_STRIP, keepMask(options))
  if (!s.dropped || s.format === FORMAT_AVIF) return bytes
  return assemblePieces(bytes, Uint8Array.from(s.written), s.pieces, s.pieces.length / 3)
}

/**
 * The TypeScript container codec.
 *
 * @example
 * ```ts
 * const { width, height, orientation } = tsContainerCodec.readImageContainer(jpegBytes)
 * const clean = tsContainerCodec.stripImageMetadata(jpegBytes) // no GPS, same pixels
 * ```
 */
export const tsContainerCodec: ContainerCodec = { kind: 'ts', readImageContainer, stripImageMetadata }
