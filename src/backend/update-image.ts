import { handleError } from '../shared/error-handling.js'
import { PixstoreError } from '../shared/errors.js'
import type { ImageRecord } from '../types/index.js'
import { readyState } from './backend-state.js'
import { assertImageId } from './images/image-id.js'
import type { ImageInput } from './images/image-input.js'
import { ingestImage } from './images/ingest-image.js'
import { toImageRecord } from './images/image-record.js'
import { sealVersion } from './images/seal-version.js'

/**
 * Replaces an image atomically with a new version (new key, new IV, strictly larger token). Clients
 * holding the old record get the new version as an `Updated` frame. The new key is wrapped under
 * the current secret, which also migrates images from a rotated secret. The new version goes through
 * the same checks, strip and facts as `saveImage`.
 *
 * @example
 * ```ts
 * const record = await updateImage(user.avatarId, uploadedBytes)
 * ```
 */
export async function updateImage(id: string, bytes: ImageInput): Promise<ImageRecord | null> {
  try {
    assertImageId(id)
    const state = await readyState()
    const image = await ingestImage(bytes, state.config)
    const { version, ...keys } = await sealVersion(id, image, state.keyring.current)
    const token = await state.storage.replace(id, version, Date.now())
    if (token === null) throw new PixstoreError('IMAGE_NOT_FOUND', 'no image with this id')
    return await toImageRecord(state, id, token, version, keys)
  } catch (e) {
    return handleError(e)
  }
}
