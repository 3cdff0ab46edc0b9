import { handleError } from '../shared/error-handling.js'
import type { ImageRecord } from '../types/index.js'
import { loadImage, type GetImageContext } from './load-image.js'
import type { ImageRequestOptions } from './image-target.js'

/**
 * The image of `record` as a Blob: from memory, else from the persistent cache when its token matches,
 * else from the endpoint (concurrent calls for one id+token share one request). `options.variant`
 * asks for one of the variants `record.variants` lists instead of the original (each is cached on
 * its own; a name the record does not list is `VARIANT_UNKNOWN`, with no request). A newer version
 * (`Updated`) is cached under its own token and returned. Failures follow the error mode: in `hybrid`
 * (default) a PixstoreError is logged and `null` returned; `getLastPixstoreError()` tells which.
 *
 * @example
 * ```ts
 * const record = await (await fetch('/api/avatar/42')).json() // your API hands out ImageRecords
 * const blob = await getImage(record, { signal: controller.signal })
 * if (blob) img.src = URL.createObjectURL(blob)
 * const thumb = await getImage(record, undefined, { variant: 'thumb' })
 * ```
 */
export async function getImage<Context = GetImageContext>(record: ImageRecord, context?: Context, options?: ImageRequestOptions): Promise<Blob | null> {
  try {
    return (await loadImage(record, context, options)).blob
  } catch (error) {
    return handleError(error)
  }
}
