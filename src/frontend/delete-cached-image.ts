import { handleError } from '../shared/error-handling.js'
import { PixstoreError } from '../shared/errors.js'
import { causeText } from './cause-text.js'
import { getRuntime, markEmptied, settlePendingWrites } from './runtime.js'

/**
 * Removes one image, its original and every variant, from both cache tiers (the next getImage
 * fetches it). Unknown ids are fine.
 * Returns `true`, or `null` on failure per the error mode.
 *
 * @example
 * ```ts
 * await deleteCachedImage(record.id)
 * ```
 */
export async function deleteCachedImage(id: string): Promise<true | null> {
  try {
    if (typeof id !== 'string' || id === '') throw new PixstoreError('RECORD_INVALID', 'id must be a non-empty string')
    const runtime = getRuntime()
    markEmptied(runtime, id)
    runtime.hot.deleteImage(id)
    await settlePendingWrites(runtime)
    const store = await runtime.store()
    await store.deleteImage(id).catch((cause) => {
      throw new PixstoreError('CACHE_ERROR', `could not delete the cached image: ${causeText(cause)}`, { cause })
    })
    return true
  } catch (error) {
    return handleError(error)
  }
}
