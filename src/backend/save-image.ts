import { handleError } from '../shared/error-handling.js'
import type { ImageRecord } from '../types/index.js'
import { readyState } from './backend-state.js'
import { createImageId } from './images/image-id.js'
import { checkImage, type ImageInput } from './images/image-input.js'
import { toImageRecord } from './images/image-record.js'
import { sealVersion } from './images/seal-version.js'

/**
 * Stores a new image encrypted and returns its record (send it to your front end).
 * `dir` prefixes the id (`dir:…`) as in pixstore.
 *
 * @example
 * ```ts
 * const record = await saveImage(req.body, 'avatars') // { id: 'avatars:…', token, meta, statelessProof }
 * ```
 */
export async function saveImage(bytes: ImageInput, dir?: string): Promise<ImageRecord | null> {
  try {
    const state = await readyState()
    const image = await checkImage(bytes, state.config)
    const id = createImageId(dir)
    const { version, key } = await sealVersion(id, image, state.keyring.current)
    const token = await state.storage.insert(id, version, Date.now())
    return await toImageRecord(state, id, token, key, version.iv, version.tag)
  } catch (e) {
    return handleError(e)
  }
}
