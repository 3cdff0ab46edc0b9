import { handleError } from '../shared/error-handling.js'
import type { ImageRecord } from '../types/index.js'
import { readyState } from './backend-state.js'
import { createImageId } from './images/image-id.js'
import type { ImageInput } from './images/image-input.js'
import { ingestImage } from './images/ingest-image.js'
import { toImageRecord } from './images/image-record.js'
import { sealVersion } from './images/seal-version.js'

/**
 * Stores a new image encrypted and returns its record (send it to your front end).
 * `dir` prefixes the id (`dir:…`) as in pixstore. Before anything is stored, the image's headers
 * must pass `maxImagePixels` / `maxImageFrames`, its EXIF/XMP/IPTC/comments are dropped losslessly
 * (unless `keepMetadata`), and `record.info` gets its displayed size, MIME type, stored size and a
 * ThumbHash placeholder. With `variants` presets configured, each one is rendered and sealed under
 * its own key and IV, stored in the same transaction, and listed in `record.variants`.
 *
 * @example
 * ```ts
 * const record = await saveImage(req.body, 'avatars') // { id: 'avatars:…', token, meta, statelessProof, info: { mime, width, height, bytes, placeholder }, variants?: { thumb: { meta, info } } }
 * ```
 */
export async function saveImage(bytes: ImageInput, dir?: string): Promise<ImageRecord | null> {
  try {
    const state = await readyState()
    const image = await ingestImage(bytes, state.config)
    const id = createImageId(dir)
    const { version, ...keys } = await sealVersion(id, image, state.keyring.current)
    const token = await state.storage.insert(id, version, Date.now())
    return await toImageRecord(state, id, token, version, keys)
  } catch (e) {
    return handleError(e)
  }
}
