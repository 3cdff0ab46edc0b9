import { handleError } from '../shared/error-handling.js'
import { PixstoreError } from '../shared/errors.js'
import { causeText } from './cause-text.js'
import { getRuntime, settlePendingWrites } from './runtime.js'

/**
 * Whether the persistent cache holds a version of `id` (any token). `null` on failure per the error mode.
 *
 * @example
 * ```ts
 * if (await cachedImageExists(record.id)) showOfflineBadge()
 * ```
 */
export async function cachedImageExists(id: string): Promise<boolean | null> {
  try {
    if (typeof id !== 'string' || id === '') throw new PixstoreError('RECORD_INVALID', 'id must be a non-empty string')
    const runtime = getRuntime()
    // All of them, not only this id's: another image's write may evict this one.
    await settlePendingWrites(runtime)
    const store = await runtime.store()
    return await store.has(id).catch((cause) => {
      throw new PixstoreError('CACHE_ERROR', `could not read the image cache: ${causeText(cause)}`, { cause })
    })
  } catch (error) {
    return handleError(error)
  }
}
