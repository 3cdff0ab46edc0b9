// Large ciphertexts are kept in IndexedDB as Blob values (read back as handles, their bytes in
// parallel); small ones stay ArrayBuffers. Either way a reload decrypts the very bytes that were
// written, and a Blob value that no longer decrypts is dropped and fetched again, never shown.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getCacheStats, getImageWithInfo } from '../../src/frontend/index.js'
import { blobBytes, freshFrontend, png } from './helpers/frontend-env.js'
import { startImageServer, type ImageServer } from './helpers/image-server.js'

let server: ImageServer
beforeAll(async () => {
  server = await startImageServer()
})
afterAll(() => server.close())

function rawValue(dbName: string, id: string): Promise<{ ciphertext: unknown; size: number }> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(dbName)
    open.onerror = () => reject(open.error)
    open.onsuccess = () => {
      const db = open.result
      const get = db.transaction('images').objectStore('images').get(id)
      get.onsuccess = () => {
        db.close()
        resolve(get.result)
      }
      get.onerror = () => reject(get.error)
    }
  })
}

function putRaw(dbName: string, value: object): Promise<void> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(dbName)
    open.onsuccess = () => {
      const db = open.result
      const tx = db.transaction('images', 'readwrite')
      tx.objectStore('images').put(value)
      tx.oncomplete = () => {
        db.close()
        resolve()
      }
      tx.onerror = () => reject(tx.error)
    }
  })
}

describe('IndexedDB values by size', () => {
  it('a large entry is a Blob value, a small one an ArrayBuffer; both decrypt after a reload', async () => {
    const dbName = freshFrontend({ endpointBaseUrl: server.baseUrl })
    const large = new Uint8Array(randomBytes(200 * 1024))
    const small = png(7)
    const a = await server.save('bv-large', large)
    const b = await server.save('bv-small', small)
    await Promise.all([getImageWithInfo(a), getImageWithInfo(b)])
    await getCacheStats()
    expect((await rawValue(dbName, 'bv-large')).ciphertext).toBeInstanceOf(Blob)
    expect((await rawValue(dbName, 'bv-small')).ciphertext).toBeInstanceOf(ArrayBuffer)
    freshFrontend({ endpointBaseUrl: server.baseUrl, frontendDbName: dbName })
    const before = server.requests.length
    const [x, y] = await Promise.all([getImageWithInfo(a), getImageWithInfo(b)])
    expect([x?.source, y?.source]).toEqual(['indexeddb', 'indexeddb'])
    expect(await blobBytes(x!.blob)).toEqual(large)
    expect(await blobBytes(y!.blob)).toEqual(small)
    expect(server.requests.length).toBe(before)
  })

  it('a tampered Blob value is dropped and fetched again', async () => {
    const dbName = freshFrontend({ endpointBaseUrl: server.baseUrl })
    const large = new Uint8Array(randomBytes(100 * 1024))
    const record = await server.save('bv-tampered', large)
    await getImageWithInfo(record)
    await getCacheStats()
    const stored = await rawValue(dbName, 'bv-tampered')
    const bytes = new Uint8Array(await (stored.ciphertext as Blob).arrayBuffer())
    bytes[10] = bytes[10]! ^ 1
    await putRaw(dbName, { ...stored, ciphertext: new Blob([bytes]) })
    freshFrontend({ endpointBaseUrl: server.baseUrl, frontendDbName: dbName })
    const again = await getImageWithInfo(record)
    expect(again?.source).toBe('network')
    expect(await blobBytes(again!.blob)).toEqual(large)
  })
})
