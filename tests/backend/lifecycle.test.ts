// initPixstoreBackend's failure paths: a coded PixstoreError whose message names no path, and no
// half-started backend left behind.
import { writeFile } from 'node:fs/promises'
import net from 'node:net'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { closePixstoreBackend, imageExists, initPixstoreBackend } from '../../src/backend/index.js'
import { makeTempDir, removeDir, TEST_SECRET } from '../helpers/backend-fixture.js'

let dir: string
const savedSecret = process.env.PIXSTORE_SECRET

beforeAll(async () => {
  dir = await makeTempDir('lifecycle')
  // The generated-secret path is the one under test.
  delete process.env.PIXSTORE_SECRET
})
afterEach(async () => {
  await closePixstoreBackend()
})
afterAll(async () => {
  if (savedSecret !== undefined) process.env.PIXSTORE_SECRET = savedSecret
  await removeDir(dir)
})

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p
  } catch (e) {
    return e as Error & { code?: string }
  }
  throw new Error('expected a rejection')
}

describe('initPixstoreBackend failures', () => {
  it('a dataDir where the secret file cannot be created: coded error, no path in the message', async () => {
    const file = join(dir, 'not-a-directory')
    await writeFile(file, 'x')
    const error = await rejection(initPixstoreBackend({ dataDir: join(file, 'data'), defaultEndpointEnabled: false }))
    expect(error).toMatchObject({ name: 'PixstoreError', code: 'SECRET_INVALID' })
    expect(error.message).not.toContain(dir)
  })

  it('an endpoint that cannot listen: init rejects and leaves no half-started backend', async () => {
    const blocker = net.createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()))
    const port = (blocker.address() as net.AddressInfo).port
    try {
      const error = await rejection(
        initPixstoreBackend({ dataDir: join(dir, 'busy'), secret: TEST_SECRET, errorHandlingMode: 'throw', defaultEndpointListenPort: port }),
      )
      expect(error).toMatchObject({ name: 'PixstoreError', code: 'ENDPOINT_ERROR' })
      // "A backend that cannot start must not look as if it did": storage is closed, calls say so.
      expect(await rejection(imageExists('abc'))).toMatchObject({ code: 'NOT_INITIALIZED' })
    } finally {
      await new Promise((r) => blocker.close(r))
    }
  })
})
