import { handleError } from '../shared/error-handling.js'
import type { ImageRecord } from '../types/index.js'
import { readyState } from './backend-state.js'
import { assertImageId } from './images/image-id.js'
import { readImageFile } from './images/image-input.js'
import { updateImage } from './update-image.js'

/**
 * Reads an image file and stores it as the new version of `id`.
 *
 * @example
 * ```ts
 * const record = await updateImageFromFile(id, './uploads/cat-v2.webp')
 * ```
 */
export async function updateImageFromFile(id: string, path: string): Promise<ImageRecord | null> {
  try {
    assertImageId(id)
    const state = await readyState()
    const bytes = await readImageFile(path, state.config.maxImageBytes)
    return await updateImage(id, bytes)
  } catch (e) {
    return handleError(e)
  }
}
