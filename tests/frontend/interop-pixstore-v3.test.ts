// Our frontend reading images from pixstore@3.2.1's backend and its default endpoint (wire format v1).
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { blobBytes, freshFrontend, png } from './helpers/frontend-env.js'
import { openDB } from 'idb'
import { getImage, getImageWithInfo } from '../../src/frontend/index.js'
import type { ImageRecord } from '../../src/types/index.js'
import { freePort } from '../helpers/free-port.js'

interface V3Backend {
  initPixstoreBackend(config: object): void
  saveImage(bytes: Buffer): Promise<ImageRecord>
  updateImage(id: string, bytes: Buffer): Promise<ImageRecord>
}
interface V3Endpoint {
  stopDefaultEndpoint(): Promise<void>
}

let v3: V3Backend
let endpoint: V3Endpoint
let dir: string
let port: number


beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pixstore-v3-'))
  port = await freePort()
  v3 = (await import('pixstore-v3/backend/index.js')) as unknown as V3Backend
  endpoint = (await import('pixstore-v3/backend/default-endpoint.js')) as unknown as V3Endpoint
  // Its published build hard-codes test settings (random port, 200 ms proofs): set everything.
  v3.initPixstoreBackend({
    imageRootDir: path.join(dir, 'images'),
    databasePath: path.join(dir, 'db.sqlite'),
    statelessKeyWindowLength: 60_000,
    defaultEndpointListenHost: '127.0.0.1',
    defaultEndpointListenPort: port,
    defaultEndpointConnectPort: port,
    errorHandlingMode: 'throw',
  })
  // startDefaultEndpoint listens asynchronously
  for (let i = 0; i < 50; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/pixstore-image/x`).then(() => true, () => false)
    if (ok) break
    await new Promise((r) => setTimeout(r, 20))
  }
})

afterAll(async () => {
  await endpoint?.stopDefaultEndpoint()
  rmSync(dir, { recursive: true, force: true })
})

describe('interop: pixstore@3.2.1 backend -> our frontend', () => {
  it('Success, then a cache hit with no request', async () => {
    freshFrontend({ defaultEndpointConnectHost: '127.0.0.1', defaultEndpointConnectPort: port, defaultEndpointRoute: '/pixstore-image', frontendHotTierMaxBytes: 0 })
    const image = png(95, 40, 30)
    const record = await v3.saveImage(Buffer.from(image))
    const first = await getImageWithInfo(record)
    expect(first?.source).toBe('network')
    expect(first?.blob.type).toBe('image/png')
    expect(await blobBytes(first!.blob)).toEqual(image)
    expect((await getImageWithInfo(record))?.source).toBe('indexeddb')
  })

  it('Updated from a pixstore 3 updateImage', async () => {
    freshFrontend({ endpointBaseUrl: `http://127.0.0.1:${port}/pixstore-image` })
    const old = await v3.saveImage(Buffer.from(png(96)))
    await new Promise((r) => setTimeout(r, 3)) // its token is Date.now(): make sure it moves
    const next = await v3.updateImage(old.id, Buffer.from(png(97)))
    const info = await getImageWithInfo(old)
    expect(info?.token).toBe(next.token)
    expect(await blobBytes(info!.blob)).toEqual(png(97))
  })

  it('its error states map to our codes', async () => {
    freshFrontend({ endpointBaseUrl: `http://127.0.0.1:${port}/pixstore-image` })
    const record = await v3.saveImage(Buffer.from(png(98)))
    await expect(getImage({ ...record, statelessProof: 'bad' })).rejects.toMatchObject({ code: 'STATE_INVALID_PROOF' })
  })

  it("an application upgrading from pixstore 3 keeps its users' cache: our frontend serves it with no request", async () => {
    ;(globalThis as { window?: unknown }).window ??= globalThis // pixstore 3's frontend reads window.crypto
    const v3front = (await import('pixstore-v3/frontend/index.js')) as unknown as {
      initPixstoreFrontend(config: object): void
      getImage(record: ImageRecord): Promise<Blob>
    }
    const dbName = `v3-handover-${process.pid}`
    v3front.initPixstoreFrontend({ frontendDbName: dbName, defaultEndpointConnectHost: '127.0.0.1', defaultEndpointConnectPort: port, errorHandlingMode: 'throw' })
    const image = png(99, 33, 22)
    const record = await v3.saveImage(Buffer.from(image))
    expect(new Uint8Array(await (await v3front.getImage(record)).arrayBuffer())).toEqual(image)
    // its cache write is not awaited: wait until it landed
    for (let i = 0; i < 100; i++) {
      const db = await openDB(dbName)
      const has = db.objectStoreNames.contains('images') && (await db.count('images')) > 0
      db.close()
      if (has) break
      await new Promise((r) => setTimeout(r, 10))
    }
    // The old code is gone after an upgrade; here it shares the process, so close its connection
    // (an open pixstore 3 tab would block the schema upgrade, and we would use memory meanwhile).
    const v3db = (await import('pixstore-v3/frontend/database.js')) as unknown as { openDatabase(): Promise<IDBDatabase> }
    ;(await v3db.openDatabase()).close()
    let requests = 0
    freshFrontend({ frontendDbName: dbName, frontendHotTierMaxBytes: 0 }, async () => {
      requests++
      throw new Error('no request expected')
    })
    const info = await getImageWithInfo(record)
    expect(info?.source).toBe('indexeddb')
    expect(await blobBytes(info!.blob)).toEqual(image)
    expect(requests).toBe(0)
  })
})
