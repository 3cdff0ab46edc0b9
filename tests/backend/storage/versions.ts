// Image versions for storage tests. Their bytes are random (the adapter stores opaque bytes), and
// comparisons go through hex so a failure shows which field differs.
import { randomBytes } from 'node:crypto'
import type { ImageVersionInput, StoredImageHead, VariantVersionInput, VersionFields } from '../../../src/backend/storage/contract.js'

export function makeVersion(keyId = 'k1', ciphertextBytes = 64): ImageVersionInput {
  return {
    keyId,
    wrappedKey: new Uint8Array(randomBytes(40)),
    iv: new Uint8Array(randomBytes(12)),
    tag: new Uint8Array(randomBytes(16)),
    ciphertext: new Uint8Array(randomBytes(ciphertextBytes)),
  }
}

export const hex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')

/** The fields of a version (or of a stored head) as comparable strings. */
export function fieldsOf(v: Partial<VersionFields> & Pick<StoredImageHead, 'keyId' | 'wrappedKey' | 'iv' | 'tag'>) {
  return {
    keyId: v.keyId,
    wrappedKey: hex(v.wrappedKey),
    iv: hex(v.iv),
    tag: hex(v.tag),
    ...(v.ciphertext ? { ciphertext: hex(v.ciphertext) } : {}),
  }
}

/** A variant of a version, random bytes, with facts and a preset fingerprint. */
export function makeVariant(name: string, ciphertextBytes = 32): VariantVersionInput {
  return {
    name,
    wrappedKey: new Uint8Array(randomBytes(60)),
    iv: new Uint8Array(randomBytes(12)),
    tag: new Uint8Array(randomBytes(16)),
    ciphertext: new Uint8Array(randomBytes(ciphertextBytes)),
    info: { mime: 'image/webp', width: 32, height: 24, bytes: ciphertextBytes, placeholder: 'abc=' },
    preset: `v1:${name}`,
  }
}

/** A variant (or a variant head) as comparable strings. */
export function variantFieldsOf(v: Omit<VariantVersionInput, 'ciphertext' | 'preset'> & { ciphertext?: Uint8Array; preset?: string }) {
  return {
    name: v.name,
    wrappedKey: hex(v.wrappedKey),
    iv: hex(v.iv),
    tag: hex(v.tag),
    info: v.info,
    ...(v.preset !== undefined ? { preset: v.preset } : {}),
    ...(v.ciphertext ? { ciphertext: hex(v.ciphertext) } : {}),
  }
}
