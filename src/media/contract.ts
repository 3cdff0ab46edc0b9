// The container contract (issue "An image store, not a blob store"): what the ingest may learn from
// an image's headers before any pixel is decoded, and a lossless metadata strip. Two implementations
// (pure TypeScript, AssemblyScript/WASM) honour it byte for byte, errors included.

/** The five container formats the reader knows. */
export type ContainerFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'avif'

/** Metadata kinds a container may carry (`icc` is reported but never stripped). */
export interface ContainerMetadata {
  exif: boolean
  xmp: boolean
  iptc: boolean
  comment: boolean
  icc: boolean
}

/** What the headers say; no pixel is decoded to learn it. */
export interface ImageContainerInfo {
  format: ContainerFormat
  /** Stored size, as the pixel data is laid out (before orientation). */
  width: number
  height: number
  /** EXIF orientation 1–8 (JPEG APP1, PNG eXIf, WebP EXIF; AVIF irot/imir mapped to it); 1 otherwise. */
  orientation: number
  /** Displayed size: width/height swapped for orientations 5–8. */
  displayWidth: number
  displayHeight: number
  /** Frame count where the header tells (APNG acTL, GIF image descriptors, WebP ANMF); 1 otherwise (AVIF: always 1). */
  frames: number
  /** Which metadata kinds are present. JPEG: segments before the first scan only. */
  metadata: ContainerMetadata
  /**
   * Whether {@link ContainerCodec.stripImageMetadata} can drop the file's metadata losslessly.
   * False only for AVIF carrying Exif/XMP items: removing them means rewriting `iloc` offsets,
   * which is not done here, so the ingest must re-encode or refuse.
   */
  strippable: boolean
}

/** Kinds to keep when stripping (all default to false; the ICC profile is always kept). */
export interface StripOptions {
  keep?: { exif?: boolean; xmp?: boolean; iptc?: boolean; comment?: boolean }
}

/**
 * One implementation of the container reader/stripper. Both throw only `PixstoreError`:
 * `IMAGE_EMPTY` (no bytes), `IMAGE_UNSUPPORTED_FORMAT` (no known signature, or an AVIF strip that
 * would need offset rewriting), `IMAGE_INVALID` (a malformed structure; the message names the fault
 * and its byte offset), `ARGUMENT_INVALID` (not a Uint8Array, bad options).
 *
 * @example
 * ```ts
 * const info = getContainerCodec('ts').readImageContainer(bytes)
 * if (info.width * info.height > maxImagePixels) refuse()
 * ```
 */
export interface ContainerCodec {
  readonly kind: 'ts' | 'wasm'
  /** Reads format, size, orientation, frames and metadata kinds from the headers only. */
  readImageContainer(bytes: Uint8Array): ImageContainerInfo
  /**
   * Drops EXIF, XMP, IPTC, comments and other non-rendering metadata without touching the coded
   * pixels; keeps the colour profile; rewrites a minimal EXIF (IFD0 Orientation only) when the
   * orientation is not 1. Returns `bytes` itself when there is nothing to drop, else a fresh array.
   */
  stripImageMetadata(bytes: Uint8Array, options?: StripOptions): Uint8Array
}

/** Structures (chunks, segments, blocks, boxes) walked per file before giving up. */
export const MAX_STRUCTURES = 100_000
/** Output pieces a strip may produce (kept runs plus written blocks). */
export const MAX_STRIP_PIECES = 4096

// Bit masks shared with assembly/container.ts.
export const KIND_EXIF = 1
export const KIND_XMP = 2
export const KIND_IPTC = 4
export const KIND_COMMENT = 8
export const KIND_ICC = 16
/** A segment we drop whatever `keep` says (MPF, JFXX thumbnails, unknown APPn, tIME, foreign GIF extensions). */
export const KIND_OTHER = 32

export const FORMAT_CODES: readonly ContainerFormat[] = ['png', 'jpeg', 'webp', 'gif', 'avif']
