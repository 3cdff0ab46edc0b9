// Everything a caller passes as an image is checked here, before any crypto or storage: type, size,
// format (sniffed from the bytes by file-type, never trusted from a name).
import { readFile, stat } from 'node:fs/promises'
import { fileTypeFromBuffer } from 'file-type'
import { describeCause } from '../../shared/describe-cause.js'
import { PixstoreError } from '../../shared/errors.js'
import { formatToByte } from '../../shared/image-formats.js'

/** Image bytes as callers hold them. */
export type ImageInput = Uint8Array | ArrayBuffer

/** Validated image bytes and their format byte (1-based position in `imageFormats`). */
export interface CheckedImage {
  bytes: Uint8Array
  format: string
  formatByte: number
}

function asBytes(input: unknown): Uint8Array {
  if (input instanceof Uint8Array) return input // Buffer included
  if (input instanceof ArrayBuffer) return new Uint8Array(input)
  throw new PixstoreError('IMAGE_INVALID', 'image must be a Buffer, Uint8Array or ArrayBuffer')
}

/** Checks bytes and sniffs their format. */
export async function checkImage(input: unknown, limits: { maxImageBytes: number; imageFormats: string[] }): Promise<CheckedImage> {
  const bytes = asBytes(input)
  if (bytes.length === 0) throw new PixstoreError('IMAGE_EMPTY', 'image is empty')
  if (bytes.length > limits.maxImageBytes) {
    throw new PixstoreError('IMAGE_TOO_LARGE', `image is ${bytes.length} bytes, over maxImageBytes (${limits.maxImageBytes})`)
  }
  const type = await fileTypeFromBuffer(bytes)
  if (!type || !type.mime.startsWith('image/')) throw new PixstoreError('IMAGE_INVALID', 'input is not a recognised image')
  const formatByte = formatToByte(type.ext, limits.imageFormats)
  if (formatByte === 0) {
    throw new PixstoreError('IMAGE_UNSUPPORTED_FORMAT', `image format "${type.ext}" is not in imageFormats`)
  }
  return { bytes, format: type.ext, formatByte }
}

/** Reads an image file, refusing files over the limit before reading them. */
export async function readImageFile(path: unknown, maxImageBytes: number): Promise<Uint8Array> {
  if (typeof path !== 'string' || path === '' || path.includes('\0')) {
    throw new PixstoreError('IMAGE_FILE_UNREADABLE', 'image file path must be a non-empty string')
  }
  try {
    const info = await stat(path)
    if (!info.isFile()) throw new PixstoreError('IMAGE_FILE_UNREADABLE', 'image path is not a regular file')
    if (info.size > maxImageBytes) {
      throw new PixstoreError('IMAGE_TOO_LARGE', `image file is ${info.size} bytes, over maxImageBytes (${maxImageBytes})`)
    }
    return await readFile(path)
  } catch (e) {
    if (e instanceof PixstoreError) throw e
    throw new PixstoreError('IMAGE_FILE_UNREADABLE', `image file could not be read (${describeCause(e)})`, { cause: e })
  }
}
