import { handleError } from '../shared/error-handling.js'
import type { ImageRecord } from '../types/index.js'
import { loadImage, type GetImageContext } from './load-image.js'
import type { LoadResult } from './load-result.js'
import type { ImageRequestOptions } from './image-target.js'

/** {@link getImage}'s Blob with what it cost: source tier, wire bytes, decode and decrypt time. */
export interface ImageWithInfo extends LoadResult {
  /** True when this call joined a load another call had started. */
  shared: boolean
  /** Wall time of this call, ms. */
  totalMs: number
}

/**
 * Same as getImage, but also says where the image came from and what it cost (for dashboards and
 * demo pages). Returns `null` on failure per the error mode, like getImage; `options.variant` as there.
 *
 * @example
 * ```ts
 * const info = await getImageWithInfo(record)
 * if (info) console.log(`${info.source}: ${info.wireBytes} B, decrypt ${info.decryptMs.toFixed(2)} ms`)
 * ```
 */
export async function getImageWithInfo<Context = GetImageContext>(
  record: ImageRecord,
  context?: Context,
  options?: ImageRequestOptions,
): Promise<ImageWithInfo | null> {
  const started = performance.now()
  try {
    const result = await loadImage(record, context, options)
    return { ...result, totalMs: performance.now() - started }
  } catch (error) {
    return handleError(error)
  }
}
