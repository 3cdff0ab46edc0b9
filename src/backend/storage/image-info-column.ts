// The `info` column (TEXT JSON, NULL for rows written before media facts existed), shared by the
// adapters so both store and read the same shape.
import { PixstoreError } from '../../shared/errors.js'
import type { ImageInfo } from '../../types/index.js'

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0

function isInfo(v: unknown): v is ImageInfo {
  const i = v as Partial<ImageInfo> | null
  return typeof i === 'object' && i !== null && typeof i.mime === 'string' && isCount(i.width) && isCount(i.height) &&
    isCount(i.bytes) && (i.placeholder === undefined || typeof i.placeholder === 'string')
}

/**
 * The column text for a version's `info` (only the known fields), `null` when it has none. A
 * malformed `info` is `ARGUMENT_INVALID`, before any statement runs.
 *
 * @example
 * ```ts
 * insertRow.run(id, token, ..., infoToColumn(version.info))
 * ```
 */
export function infoToColumn(info: unknown): string | null {
  if (info === undefined) return null
  if (!isInfo(info)) {
    throw new PixstoreError('ARGUMENT_INVALID', 'image version info needs mime (string), width, height, bytes (non-negative integers), optional placeholder (string)')
  }
  const { mime, width, height, bytes, placeholder } = info
  return JSON.stringify(placeholder === undefined ? { mime, width, height, bytes } : { mime, width, height, bytes, placeholder })
}

/**
 * `{ info }` from the column, or `{}` for NULL. The facts are derived, never needed to serve: a
 * damaged (hand-edited) column loses only them, so the image itself stays readable.
 *
 * @example
 * ```ts
 * return { id: row.id, ..., ...infoFromColumn(row.info) }
 * ```
 */
export function infoFromColumn(text: string | null | undefined): { info?: ImageInfo } {
  if (typeof text !== 'string') return {}
  try {
    const info: unknown = JSON.parse(text)
    return isInfo(info) ? { info } : {}
  } catch {
    return {}
  }
}
