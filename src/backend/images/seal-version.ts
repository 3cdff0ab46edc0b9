import { sealImage } from '../../crypto/aes-gcm.js'
import { wrapImageKey } from '../../crypto/key-wrap.js'
import type { SecretKeys } from '../../crypto/secret-keys.js'
import type { ImageVersionInput, VariantVersionInput } from '../storage/contract.js'
import type { IngestedImage } from './ingest-image.js'
import { variantKeyBinding } from './stored-key.js'

/** The raw keys of a sealed version, for the ImageRecord handed to the app (never stored). */
export interface VersionKeys {
  key: Uint8Array
  /** One raw key per variant name. */
  variantKeys: Map<string, Uint8Array>
}

// `[formatByte][bytes]` under a fresh key and IV: the plaintext layout every frame's ciphertext has.
function sealBytes(formatByte: number, bytes: Uint8Array) {
  const plaintext = new Uint8Array(bytes.length + 1)
  plaintext[0] = formatByte
  plaintext.set(bytes, 1)
  return sealImage(plaintext)
}

/**
 * Encrypts the original and each of its variants under a fresh key and IV of its own, and wraps every
 * key under the current secret (one keyId for the whole version; a variant's key is also bound to its
 * name). Returns the storable version (facts and variants stored in the same write) and the raw keys.
 *
 * @example
 * ```ts
 * const { version, key, variantKeys } = await sealVersion(id, await ingestImage(bytes, config), state.keyring.current)
 * ```
 */
export async function sealVersion(id: string, image: IngestedImage, keys: SecretKeys): Promise<{ version: ImageVersionInput } & VersionKeys> {
  const [sealed, ...sealedVariants] = await Promise.all([
    sealBytes(image.formatByte, image.bytes),
    ...image.variants.map((v) => sealBytes(v.preset.formatByte, v.bytes)),
  ])
  const wrappedKey = await wrapImageKey(keys.wrapKey, id, sealed!.key)
  const variantKeys = new Map<string, Uint8Array>()
  const variants: VariantVersionInput[] = []
  for (const [i, v] of image.variants.entries()) {
    const s = sealedVariants[i]!
    const name = v.preset.name
    variantKeys.set(name, s.key)
    variants.push({
      name,
      wrappedKey: await wrapImageKey(keys.wrapKey, variantKeyBinding(id, name), s.key),
      iv: s.iv,
      tag: s.tag,
      ciphertext: s.ciphertext,
      info: v.info,
      preset: v.preset.fingerprint,
    })
  }
  const version: ImageVersionInput = { keyId: keys.keyId, wrappedKey, iv: sealed!.iv, tag: sealed!.tag, ciphertext: sealed!.ciphertext, info: image.info }
  if (variants.length > 0) version.variants = variants
  return { version, key: sealed!.key, variantKeys }
}
