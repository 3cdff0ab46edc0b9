// The public pixstore@3.2.1 front end (its own getImage, IndexedDB via fake-indexeddb, its default
// HTTP fetcher and wire decoder) fetches and decrypts images from our built-in endpoint.
import 'fake-indexeddb/auto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getImageRecord, saveImage, updateImage } from '../../src/backend/index.js'
import { makeTempDir, removeDir, startBackend, stopBackend } from '../helpers/backend-fixture.js'
import { startPixstore3Frontend, type Pixstore3Frontend } from '../helpers/pixstore3-frontend.js'
import { generateImage } from '../helpers/sample-images.js'

let dir: string
let url: URL

let v3: Pixstore3Frontend

beforeAll(async () => {
  dir = await makeTempDir('interop')
  url = new URL(await startBackend(dir))
  v3 = await startPixstore3Frontend(url, `interop-${Date.now()}`)
})
afterAll(async () => {
  await stopBackend()
  await removeDir(dir)
})

describe('pixstore@3.2.1 frontend against our endpoint', () => {
  it('getImage fetches (Success), caches, and returns the original bytes and MIME type', async () => {
    const png = generateImage('png', { width: 12, height: 8, seed: 3 })
    const record = (await saveImage(png, 'interop'))!
    const blob = (await v3.getImage(record))!
    expect(blob.type).toBe('image/png')
    expect(Buffer.from(await blob.arrayBuffer()).equals(Buffer.from(png))).toBe(true)
  })

  it('a stale record gets our Updated frame and v3 decrypts the new version', async () => {
    const v1 = generateImage('png', { width: 6, height: 6, seed: 1 })
    const v2 = generateImage('webp', { width: 7, height: 5, seed: 2 })
    const r1 = (await saveImage(v1))!
    await updateImage(r1.id, v2)
    // Old token and meta, fresh proof: the server answers Updated with the new token, key, iv, tag.
    const stale = { ...r1, statelessProof: (await getImageRecord(r1.id))!.statelessProof }
    const blob = (await v3.getImage(stale))!
    expect(blob.type).toBe('image/webp')
    expect(Buffer.from(await blob.arrayBuffer()).equals(Buffer.from(v2))).toBe(true)
  })
})
