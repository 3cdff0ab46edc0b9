import { handleError } from '../shared/error-handling.js'
import { readyState } from './backend-state.js'
import { assertImageId } from './images/image-id.js'

/**
 * Deletes an image. Resolves `true` if it existed, `false` if not.
 *
 * @example
 * ```ts
 * await deleteImage(user.avatarId)
 * ```
 */
export async function deleteImage(id: string): Promise<boolean | null> {
  try {
    assertImageId(id)
    const state = await readyState()
    return await state.storage.delete(id)
  } catch (e) {
    return handleError(e)
  }
}
