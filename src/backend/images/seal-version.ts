import { sealImage } from '../../crypto/aes-gcm.js'
import { wrapImageKey } from '../../crypto/key-wrap.js'
import type { SecretKeys } from '../../crypto/secret-keys.js'
import type { ImageVersionInput } from '../storage/contract.js'
import type { IngestedImage } from './ingest-image.js'

/**
 * Encrypts `[formatByte][image]` under a fresh key and IV and wraps that key under the current
 * secret. Returns the storable version (with the image's facts, stored in the same write) and the
 * raw key (for the ImageRecord handed to the app).
 */
export async function sealVersion(
  id: string,
  image: IngestedImage,
  keys: SecretKeys,
): Promise<{ version: ImageVersionInput; key: Uint8Array }> {
  const plaintext = new Uint8Array(image.bytes.length + 1)
  plaintext[0] = image.formatByte
  plaintext.set(image.bytes, 1)
  const sealed = await sealImage(plaintext)
  const wrappedKey = await wrapImageKey(keys.wrapKey, id, sealed.key)
  return {
    version: { keyId: keys.keyId, wrappedKey, iv: sealed.iv, tag: sealed.tag, ciphertext: sealed.ciphertext, info: image.info },
    key: sealed.key,
  }
}
