import { sealImage } from '../../crypto/aes-gcm.js'
import { wrapImageKey } from '../../crypto/key-wrap.js'
import type { SecretKeys } from '../../crypto/secret-keys.js'
import type { ImageVersionInput } from '../storage/contract.js'
import type { CheckedImage } from './image-input.js'

/**
 * Encrypts `[formatByte][image]` under a fresh key and IV and wraps that key under the current
 * secret. Returns the storable version and the raw key (for the ImageRecord handed to the app).
 */
export async function sealVersion(
  id: string,
  image: CheckedImage,
  keys: SecretKeys,
): Promise<{ version: ImageVersionInput; key: Uint8Array }> {
  const plaintext = new Uint8Array(image.bytes.length + 1)
  plaintext[0] = image.formatByte
  plaintext.set(image.bytes, 1)
  const sealed = await sealImage(plaintext)
  const wrappedKey = await wrapImageKey(keys.wrapKey, id, sealed.key)
  return {
    version: { keyId: keys.keyId, wrappedKey, iv: sealed.iv, tag: sealed.tag, ciphertext: sealed.ciphertext },
    key: sealed.key,
  }
}
