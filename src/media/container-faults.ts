// Every fault the two container implementations can report, numbered so the WASM walker returns
// `-id` with two integer arguments and both twins build the SAME PixstoreError from it.
import { PixstoreError, type PixstoreErrorCode } from '../shared/errors.js'
import { MAX_STRIP_PIECES, MAX_STRUCTURES } from './contract.js'

type Fault = readonly [PixstoreErrorCode, (a: number, b: number) => string]

const FAULTS: Record<number, Fault> = {
  1: ['IMAGE_EMPTY', () => 'image is empty'],
  2: ['IMAGE_UNSUPPORTED_FORMAT', () => 'not a PNG, JPEG, WebP, GIF or AVIF file (unrecognised signature)'],
  3: ['IMAGE_INVALID', (a) => `more than ${MAX_STRUCTURES} chunks, segments or blocks before byte ${a}`],
  4: ['IMAGE_INVALID', () => `more than ${MAX_STRIP_PIECES} metadata pieces to drop`],
  10: ['IMAGE_INVALID', (a) => `PNG chunk at byte ${a} runs past the end of the file`],
  11: ['IMAGE_INVALID', (a, b) => `PNG chunk at byte ${a} declares length ${b}, above 2^31-1`],
  12: ['IMAGE_INVALID', (a) => `PNG chunk at byte ${a} has an invalid type`],
  13: ['IMAGE_INVALID', () => 'PNG does not start with a 13-byte IHDR chunk'],
  14: ['IMAGE_INVALID', () => 'PNG IHDR declares a zero or out-of-range size'],
  15: ['IMAGE_INVALID', (a) => `PNG ends at byte ${a} without an IEND chunk`],
  16: ['IMAGE_INVALID', (a) => `PNG acTL chunk at byte ${a} is not 8 bytes or declares 0 frames`],
  20: ['IMAGE_INVALID', (a) => `JPEG expected a marker at byte ${a}`],
  21: ['IMAGE_INVALID', (a) => `JPEG segment at byte ${a} runs past the end of the file`],
  22: ['IMAGE_INVALID', (a, b) => `JPEG segment at byte ${a} declares length ${b}, below 2`],
  23: ['IMAGE_INVALID', (a) => `JPEG frame header at byte ${a} is too short or declares a zero size`],
  24: ['IMAGE_INVALID', (a) => `JPEG reaches a scan or the end of the image at byte ${a} before any frame header`],
  25: ['IMAGE_INVALID', (a) => `JPEG ends at byte ${a} before its first scan`],
  26: ['IMAGE_INVALID', (a) => `JPEG ends at byte ${a} without an end-of-image marker`],
  30: ['IMAGE_INVALID', (a, b) => `WebP RIFF size ${a} does not fit the file (${b} bytes)`],
  31: ['IMAGE_INVALID', (a) => `WebP chunk at byte ${a} runs past the end of the RIFF data`],
  32: ['IMAGE_INVALID', () => 'WebP does not start with a VP8, VP8L or VP8X chunk'],
  33: ['IMAGE_INVALID', (a) => `WebP VP8 frame header at byte ${a} is invalid`],
  34: ['IMAGE_INVALID', (a) => `WebP VP8L header at byte ${a} is invalid`],
  35: ['IMAGE_INVALID', (a) => `WebP VP8X chunk at byte ${a} is shorter than 10 bytes`],
  40: ['IMAGE_INVALID', (a) => `GIF block at byte ${a} runs past the end of the file`],
  41: ['IMAGE_INVALID', (a) => `GIF has an unknown block introducer at byte ${a}`],
  42: ['IMAGE_INVALID', () => 'GIF logical screen declares a zero size'],
  43: ['IMAGE_INVALID', (a) => `GIF ends at byte ${a} without a trailer`],
  44: ['IMAGE_INVALID', () => 'GIF holds no image'],
  50: ['IMAGE_INVALID', (a) => `AVIF box at byte ${a} runs past its parent`],
  51: ['IMAGE_INVALID', (a, b) => `AVIF box at byte ${a} declares size ${b}, below its header`],
  52: ['IMAGE_UNSUPPORTED_FORMAT', () => 'ISOBMFF file without an avif or avis brand (not AVIF)'],
  53: ['IMAGE_INVALID', (a) => `AVIF box at byte ${a} is too short for its fields`],
  54: ['IMAGE_INVALID', () => 'AVIF has no primary item with an image size (pitm, ipma, ispe)'],
  55: [
    'IMAGE_UNSUPPORTED_FORMAT',
    () => 'AVIF Exif/XMP items cannot be removed without rewriting item offsets (strippable: false): re-encode or refuse',
  ],
}

/** Fault ids, named for the TS walker; assembly/container.ts uses the same numbers. */
export const F = {
  EMPTY: 1, UNKNOWN: 2, TOO_MANY: 3, PLAN_FULL: 4,
  PNG_TRUNCATED: 10, PNG_LENGTH: 11, PNG_TYPE: 12, PNG_NO_IHDR: 13, PNG_SIZE: 14, PNG_NO_IEND: 15, PNG_ACTL: 16,
  JPEG_MARKER: 20, JPEG_TRUNCATED: 21, JPEG_LENGTH: 22, JPEG_SOF: 23, JPEG_NO_SOF: 24, JPEG_NO_SCAN: 25, JPEG_NO_EOI: 26,
  WEBP_RIFF: 30, WEBP_TRUNCATED: 31, WEBP_FIRST: 32, WEBP_VP8: 33, WEBP_VP8L: 34, WEBP_VP8X: 35,
  GIF_TRUNCATED: 40, GIF_BLOCK: 41, GIF_SIZE: 42, GIF_NO_TRAILER: 43, GIF_NO_IMAGE: 44,
  AVIF_TRUNCATED: 50, AVIF_SIZE: 51, AVIF_BRAND: 52, AVIF_FIELD: 53, AVIF_NO_SIZE: 54, AVIF_UNSTRIPPABLE: 55,
} as const

/** The PixstoreError for fault `id` with its arguments (the message names the fault and offset). */
export function containerFault(id: number, a = 0, b = 0): PixstoreError {
  const fault = FAULTS[id]
  if (fault === undefined) return new PixstoreError('IMAGE_INVALID', `image container fault ${id}`)
  return new PixstoreError(fault[0], fault[1](a, b))
}
