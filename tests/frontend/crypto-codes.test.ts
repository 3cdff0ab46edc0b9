// Item 13: a platform without WebCrypto is CRYPTO_UNAVAILABLE on the seal path too, never DECRYPT_FAILED.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { openImage, sealImage } from '../../src/crypto/aes-gcm.js'

afterEach(() => vi.unstubAllGlobals())

describe('aes-gcm error codes', () => {
  it('sealing without crypto.subtle is CRYPTO_UNAVAILABLE', async () => {
    const real = globalThis.crypto
    vi.stubGlobal('crypto', { getRandomValues: (a: Uint8Array) => real.getRandomValues(a) })
    await expect(sealImage(Uint8Array.of(1, 2, 3))).rejects.toMatchObject({ code: 'CRYPTO_UNAVAILABLE' })
    await expect(openImage(new Uint8Array(4), new Uint8Array(32), new Uint8Array(12), new Uint8Array(16))).rejects.toMatchObject({
      code: 'CRYPTO_UNAVAILABLE',
    })
  })

  it('openImage opens with raw bytes and with an imported CryptoKey alike', async () => {
    const plain = Uint8Array.of(1, 9, 8, 7)
    const s = await sealImage(plain)
    const imported = await crypto.subtle.importKey('raw', s.key as Uint8Array<ArrayBuffer>, 'AES-GCM', false, ['decrypt'])
    expect(await openImage(s.ciphertext, s.key, s.iv, s.tag)).toEqual(plain)
    expect(await openImage(s.ciphertext, imported, s.iv, s.tag)).toEqual(plain)
    const bad = s.tag.slice()
    bad[0]! ^= 1
    await expect(openImage(s.ciphertext, imported, s.iv, bad)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' })
  })
})
