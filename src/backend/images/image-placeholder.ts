// The ThumbHash placeholder, reduced from a pipeline image-variants.ts builds (sharp is imported
// there, with the backend, not on the first save: loading libvips takes 0.1–1 s, and its modules must
// load before application code can have touched Object.prototype).
import type { Sharp } from 'sharp'
import { rgbaToThumbHash } from 'thumbhash'
import { bytesToBase64 } from '../../crypto/base64.js'
import { describeCause } from '../../shared/describe-cause.js'
import { PixstoreError } from '../../shared/errors.js'

/** ThumbHash's own bound: it encodes images of at most 100 × 100. */
export const THUMB_SIDE = 100

/**
 * The base64 ThumbHash of what `pipeline` yields (already oriented as displayed): the picture
 * reduced to fit 100 × 100, never enlarged. Decode failures are `IMAGE_INVALID`.
 *
 * @example
 * ```ts
 * const placeholder = await placeholderOf(sharp(raw, { raw: { width, height, channels } }))
 * ```
 */
export async function placeholderOf(pipeline: Sharp): Promise<string> {
  let thumb: { data: Buffer; info: { width: number; height: number } }
  try {
    thumb = await pipeline
      .resize(THUMB_SIDE, THUMB_SIDE, { fit: 'inside', withoutEnlargement: true })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true })
  } catch (e) {
    throw new PixstoreError('IMAGE_INVALID', `image could not be decoded (${describeCause(e)})`, { cause: e })
  }
  return bytesToBase64(rgbaToThumbHash(thumb.info.width, thumb.info.height, thumb.data))
}
