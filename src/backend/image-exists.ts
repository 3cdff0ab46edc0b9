import { handleError } from '../shared/error-handling.js'
import { readyState } from './backend-state.js'
import { assertImageId } from './images/image-id.js'

/**
 * Whether an image with this id is stored.
 *
 * @example
 * ```ts
 * if (!(await imageExists(id))) return res.status(404).end()
 * ```
 */
export async function imageExists(id: string): Promise<boolean | null> {
  try {
    assertImageId(id)
    const state = await readyState()
    return await state.storage.exists(id)
  } catch (e) {
    return handleError(e)
  }
}
