// Item 5: imported WebCrypto keys do not outlive a logout (clearImageCache) or a new instance.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { freshFrontend, png } from './helpers/frontend-env.js'
import { startImageServer, type ImageServer } from './helpers/image-server.js'
import { clearImageCache, getCacheStats, getImage, initPixstoreFrontend } from '../../src/frontend/index.js'

let server: ImageServer
beforeAll(async () => {
  server = await startImageServer()
})
afterAll(() => server.close())
afterEach(() => vi.restoreAllMocks())

/** importKey calls for decryption, counted through the real crypto.subtle. */
function countDecryptImports(): () => number {
  const original = crypto.subtle.importKey.bind(crypto.subtle)
  let count = 0
  vi.spyOn(crypto.subtle, 'importKey').mockImplementation(((...args: Parameters<SubtleCrypto['importKey']>) => {
    if ((args[4] as readonly string[]).includes('decrypt')) count++
    return original(...args)
  }) as SubtleCrypto['importKey'])
  return () => count
}

describe('imported keys', () => {
  it('a cache hit reuses the imported key; clearImageCache drops it', async () => {
    freshFrontend({ endpointBaseUrl: server.baseUrl, frontendHotTierMaxBytes: 0, useIndexedDB: false })
    const record = await server.save('keys-a', png(51))
    const imports = countDecryptImports()
    await getImage(record)
    await getCacheStats()
    await getImage(record) // persistent-tier hit: no new import
    expect(imports()).toBe(1)
    await clearImageCache()
    await getImage(record)
    expect(imports()).toBe(2)
  })

  it('initPixstoreFrontend starts with no imported key', async () => {
    const dbName = freshFrontend({ endpointBaseUrl: server.baseUrl, frontendHotTierMaxBytes: 0 })
    const record = await server.save('keys-b', png(52))
    const imports = countDecryptImports()
    await getImage(record)
    await getCacheStats()
    initPixstoreFrontend({ endpointBaseUrl: server.baseUrl, frontendDbName: dbName, frontendHotTierMaxBytes: 0 })
    await getImage(record) // persistent hit in the new instance: must import again
    expect(imports()).toBe(2)
  })
})
