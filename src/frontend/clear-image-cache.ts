import { handleError } from '../shared/error-handling.js'
import { PixstoreError } from '../shared/errors.js'
import { causeText } from './cause-text.js'
import { forgetImportedKeys } from './decrypt-image.js'
import { revokeAllImageUrls } from './image-url.js'
import { getRuntime, markEmptied, settlePendingWrites } from './runtime.js'

/**
 * Empties both cache tiers, revokes every getImageUrl URL and forgets every imported image key (for example on logout). Returns `true`, or `null` on failure per the error mode.
 *
 * @example
 * ```ts
 * await clearImageCache()
 * ```
 */
export async function clearImageCache(): Promise<true | null> {
  try {
    const runtime = getRuntime()
    markEmptied(runtime)
    runtime.hot.clear()
    revokeAllImageUrls()
    forgetImportedKeys()
    await settlePendingWrites(runtime)
    const store = await runtime.store()
    await store.clear().catch((cause) => {
      throw new PixstoreError('CACHE_ERROR', `could not clear the image cache: ${causeText(cause)}`, { cause })
    })
    return true
  } catch (error) {
    return handleError(error)
  }
}
