import { describe, expect, it } from 'vitest'
import { sealImage } from '../../src/crypto/aes-gcm.js'
import { bytesToBase64 } from '../../src/crypto/base64.js'
import { decryptToBlob, metaToKeyMaterial } from '../../src/frontend/decrypt-image.js'
import { DEFAULT_IMAGE_FORMATS } from '../../src/shared/image-formats.js'

async function sealed(formatByte: number, body: number[]) {
  const s = await sealImage(Uint8Array.of(formatByte, ...body))
  return { s, meta: { key: bytesToBase64(s.key), iv: bytesToBase64(s.iv), tag: bytesToBase64(s.tag) } }
}

describe('decryptToBlob', () => {
  it('types the Blob from the format byte and strips it', async () => {
    const { s, meta } = await sealed(3, [0xff, 0xd8, 1, 2])
    const blob = await decryptToBlob(s.ciphertext, metaToKeyMaterial(meta), DEFAULT_IMAGE_FORMATS)
    expect(blob.type).toBe('image/jpeg')
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(Uint8Array.of(0xff, 0xd8, 1, 2))
  })

  it('a remembered imported key never decrypts for a record with another key', async () => {
    const a = await sealed(1, [1, 2, 3])
    await decryptToBlob(a.s.ciphertext, metaToKeyMaterial(a.meta), DEFAULT_IMAGE_FORMATS) // imports a's key
    const b = await sealed(1, [1, 2, 3])
    const wrongKey = { ...a.meta, key: b.meta.key }
    await expect(decryptToBlob(a.s.ciphertext, metaToKeyMaterial(wrongKey), DEFAULT_IMAGE_FORMATS)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' })
    // and the right key still works after the failure
    expect((await decryptToBlob(a.s.ciphertext, metaToKeyMaterial(a.meta), DEFAULT_IMAGE_FORMATS)).size).toBe(3)
  })

  it('a flipped tag, iv or ciphertext bit is DECRYPT_FAILED', async () => {
    const { s, meta } = await sealed(1, [9, 9, 9, 9])
    const m = metaToKeyMaterial(meta)
    const flip = (x: Uint8Array) => {
      const y = x.slice()
      y[0]! ^= 1
      return y
    }
    await expect(decryptToBlob(flip(s.ciphertext), m, DEFAULT_IMAGE_FORMATS)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' })
    await expect(decryptToBlob(s.ciphertext, { ...m, tag: flip(m.tag) }, DEFAULT_IMAGE_FORMATS)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' })
    await expect(decryptToBlob(s.ciphertext, { ...m, iv: flip(m.iv) }, DEFAULT_IMAGE_FORMATS)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' })
  })

  it('an unknown format byte is IMAGE_UNSUPPORTED_FORMAT', async () => {
    const { s, meta } = await sealed(200, [1])
    await expect(decryptToBlob(s.ciphertext, metaToKeyMaterial(meta), DEFAULT_IMAGE_FORMATS)).rejects.toMatchObject({ code: 'IMAGE_UNSUPPORTED_FORMAT' })
    const zero = await sealed(0, [1])
    await expect(decryptToBlob(zero.s.ciphertext, metaToKeyMaterial(zero.meta), DEFAULT_IMAGE_FORMATS)).rejects.toMatchObject({ code: 'IMAGE_UNSUPPORTED_FORMAT' })
  })
})
