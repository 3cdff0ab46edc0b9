import { handleError } from '../shared/error-handling.js'
import type { ImageRecord } from '../types/index.js'
import { readyState } from './backend-state.js'
import { readImageFile } from './images/image-input.js'
import { saveImage } from './save-image.js'

/**
 * Reads an image file and stores it as a new image.
 *
 * @example
 * ```ts
 * const record = await saveImageFromFile('./uploads/cat.png', 'pets')
 * ```
 */
export async function saveImageFromFile(path: string, dir?: string): Promise<ImageRecord | null> {
  try {
    const state = await readyState()
    const bytes = await readImageFile(path, state.config.maxImageBytes)
    return await saveImage(bytes, dir)
  } catch (e) {
    return handleError(e)
  }
}
