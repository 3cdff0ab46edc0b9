// Records with `info` stay readable by pixstore 3.2.1's front end (it ignores the new field), and by
// ours; versions stored before media facts existed give records without an `info` key.
import 'fake-indexeddb/auto'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getImageRecord, saveImage } from '../../../src/backend/index.js'
import { getImage } from '../../../src/frontend/index.js'
import { makeTempDir, removeDir, startBackend, stopBackend } from '../../helpers/backend-fixture.js'
import { startPixstore3Frontend, type Pixstore3Frontend } from '../../helpers/pixstore3-frontend.js'
import { freshFrontend, blobBytes } from '../../frontend/helpers/frontend-env.js'
import { sampleJpeg } from '../../media/sample-containers.js'

let dir: string
let url: URL

let v3: Pixstore3Frontend

beforeAll(async () => {
  dir = await makeTempDir('record-info')
  url = new URL(await startBackend(dir))
  v3 = await startPixstore3Frontend(url, `record-info-${process.pid}`)
})
afterAll(async () => {
  await stopBackend()
  await removeDir(dir)
})

describe('records with info', () => {
  it('pixstore 3.2.1 getImage reads a record carrying info (as JSON the app sent it) and gets the stored original', async () => {
    const record = (await saveImage(await sampleJpeg(6)))!
    expect(record.info).toMatchObject({ mime: 'image/jpeg', width: 48, height: 64 })
    const overTheWire = JSON.parse(JSON.stringify(record))
    const blob = (await v3.getImage(overTheWire))!
    expect(blob.type).toBe('image/jpg') // pixstore 3.2.1 names the jpg format byte so
    expect(blob.size).toBe(record.info!.bytes)
  })

  it('our getImage reads it too, and the bytes are the info.bytes long original', async () => {
    freshFrontend({ endpointBaseUrl: url.href.replace(/\/$/, ''), frontendHotTierMaxBytes: 0 })
    const record = (await saveImage(await sampleJpeg(6)))!
    const bytes = await blobBytes(await getImage(JSON.parse(JSON.stringify(record))))
    expect(bytes.length).toBe(record.info!.bytes)
  })

  it('a version stored without info (an older row) gives a record with no info key, which both front ends read', async () => {
    const record = (await saveImage(await sampleJpeg(1)))!
    const d = new Database(join(dir, 'pixstore.sqlite'))
    try {
      d.prepare('UPDATE pixstore_images SET info = NULL WHERE id = ?').run(record.id)
    } finally {
      d.close()
    }
    // getImageRecord reads fresh (no head cache), so the edited row is what it sees.
    const old = (await getImageRecord(record.id))!
    expect(old).not.toHaveProperty('info')
    expect(Object.keys(old).sort()).toEqual(['id', 'meta', 'statelessProof', 'token'])
    expect((await v3.getImage(old))!.type).toBe('image/jpg')
    freshFrontend({ endpointBaseUrl: url.href.replace(/\/$/, ''), frontendHotTierMaxBytes: 0 })
    expect((await getImage(old))!.type).toBe('image/jpeg')
  })
})
