// The ThumbHash placeholder: the one step of the ingest that decodes pixels. sharp is imported with
// the backend, not on the first save: loading libvips takes 0.1–1 s (a first upload would pay it),
// and its modules must load before application code can have touched Object.prototype.
import sharp from 'sharp'
import { rgbaToThumbHash } from 'thumbhash'
import { bytesToBase64 } from '../../crypto/base64.js'
import { describeCause } from '../../shared/describe-cause.js'
import { PixstoreError } from '../../shared/errors.js'

/** ThumbHash's own bound: it encodes images of at most 100 × 100. */
const THUMB_SIDE = 100

/**
 * The base64 ThumbHash of an image, as displayed (EXIF orientation applied), from its first frame.
 * `maxPixels` is handed to the decoder as a second guard behind the header check. A file the decoder
 * cannot read (e.g. a valid header over a corrupt body) is `IMAGE_INVALID`.
 *
 * @example
 * ```ts
 * const placeholder = await computePlaceholder(bytes, config.maxImagePixels) // 'mxgKFYJnd4eHiHeIeHeHiId4V3dw'
 * ```
 */
export async function computePlaceholder(bytes: Uint8Array, maxPixels: number): Promise<string> {
  let thumb: { data: Buffer; info: { width: number; height: number } }
  try {
    thumb = await sharp(bytes, { limitInputPixels: maxPixels })
      .rotate() // no angle: apply the EXIF orientation, so the preview has the displayed shape
      .resize(THUMB_SIDE, THUMB_SIDE, { fit: 'inside', withoutEnlargement: true })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true })
  } catch (e) {
    throw new PixstoreError('IMAGE_INVALID', `image could not be decoded (${describeCause(e)})`, { cause: e })
  }
  return bytesToBase64(rgbaToThumbHash(thumb.info.width, thumb.info.height, thumb.data))
}
