// Argument checks both twins share, so a bad argument fails the same way whichever runs.
import { abytes } from '../shared/bytes.js'
import { readConfig } from '../shared/config-reader.js'
import { PixstoreError } from '../shared/errors.js'
import { FORMAT_CODES, KIND_COMMENT, KIND_EXIF, KIND_ICC, KIND_IPTC, KIND_XMP, type ImageContainerInfo } from './contract.js'

/** Asserts `bytes` is a Uint8Array (`ARGUMENT_INVALID` otherwise). */
export function checkImageBytes(bytes: unknown): asserts bytes is Uint8Array {
  abytes(bytes, 'image', 'ARGUMENT_INVALID')
}

/** The keep mask (KIND_* bits) from strip options; `ARGUMENT_INVALID` for unknown keys or non-booleans. */
export function keepMask(options: unknown): number {
  try {
    const o = readConfig(options, ['keep'] as const, 'strip options')
    const keep = readConfig(o.keep, ['exif', 'xmp', 'iptc', 'comment'] as const, 'strip options keep')
    let mask = 0
    for (const [name, bit] of [['exif', KIND_EXIF], ['xmp', KIND_XMP], ['iptc', KIND_IPTC], ['comment', KIND_COMMENT]] as const) {
      const v = keep[name]
      if (v === undefined) continue
      if (typeof v !== 'boolean') throw new PixstoreError('ARGUMENT_INVALID', `strip options keep.${name} must be a boolean`)
      if (v) mask |= bit
    }
    return mask
  } catch (error) {
    if (error instanceof PixstoreError && error.code === 'CONFIG_INVALID') throw new PixstoreError('ARGUMENT_INVALID', error.message)
    throw error
  }
}

/** The contract's info object from the walk's numbers (one shape for both twins). */
export function containerInfo(
  format: number,
  width: number,
  height: number,
  orientation: number,
  frames: number,
  kinds: number,
  strippable: boolean,
): ImageContainerInfo {
  const swap = orientation >= 5
  return {
    format: FORMAT_CODES[format]!,
    width,
    height,
    orientation,
    displayWidth: swap ? height : width,
    displayHeight: swap ? width : height,
    frames,
    metadata: {
      exif: (kinds & KIND_EXIF) !== 0,
      xmp: (kinds & KIND_XMP) !== 0,
      iptc: (kinds & KIND_IPTC) !== 0,
      comment: (kinds & KIND_COMMENT) !== 0,
      icc: (kinds & KIND_ICC) !== 0,
    },
    strippable,
  }
}

/**
 * The strip output from its plan: `pieces` are [source, start, length] triples, source 0 the input,
 * 1 the walker's written bytes. One allocation, one copy per piece.
 */
export function assemblePieces(input: Uint8Array, written: Uint8Array, pieces: ArrayLike<number>, count: number): Uint8Array {
  let total = 0
  for (let i = 0; i < count; i++) total += pieces[i * 3 + 2]!
  const out = new Uint8Array(total)
  let o = 0
  for (let i = 0; i < count; i++) {
    const start = pieces[i * 3 + 1]!
    const length = pieces[i * 3 + 2]!
    out.set((pieces[i * 3] === 0 ? input : written).subarray(start, start + length), o)
    o += length
  }
  return out
}
