// initPixstoreBackend's failure paths: a coded PixstoreError whose message names no path, and no
// half-started backend left behind.
import { readdir, writeFile } from 'node:fs/promises'
import net from 'node:net'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  closePixstoreBackend,
  getErrorHandlingMode,
  getImageRecord,
  imageExists,
  initPixstoreBackend,
  saveImage,
  setCustomErrorHandler,
  setErrorHandlingMode,
  startDefaultEndpoint,
} from '../../src/backend/index.js'
import { DEFAULT_BACKEND_CONFIG, resolveBackendConfig } from '../../src/backend/config/backend-config.js'
import { initPixstoreFrontend } from '../../src/frontend/init-pixstore-frontend.js'
import { makeTempDir, removeDir, TEST_SECRET } from '../helpers/backend-fixture.js'
import { generateImage } from '../helpers/sample-images.js'
import { rejection } from '../helpers/rejection.js'

let dir: string
const savedSecret = process.env.PIXSTORE_SECRET

beforeAll(async () => {
  dir = await makeTempDir('lifecycle')
  // The generated-secret path is the one under test.
  delete process.env.PIXSTORE_SECRET
})
afterEach(async () => {
  await closePixstoreBackend()
  setErrorHandlingMode('hybrid')
})
afterAll(async () => {
  if (savedSecret !== undefined) process.env.PIXSTORE_SECRET = savedSecret
  await removeDir(dir)
})


describe('initPixstoreBackend failures', () => {
  it('a dataDir where the secret file cannot be created: coded error, no path in the message', async () => {
    const file = join(dir, 'not-a-directory')
    await writeFile(file, 'x')
    // Storage elsewhere (it opens first), so the secret file is what fails.
    const error = await rejection(
      initPixstoreBackend({ dataDir: join(file, 'data'), storage: { type: 'sqlite', dataDir: join(dir, 'store') }, defaultEndpointEnabled: false }),
    )
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
      expect(error.message).toContain(`127.0.0.1:${port}`)
      // "A backend that cannot start must not look as if it did": storage is closed, calls say so.
      expect(await rejection(imageExists('abc'))).toMatchObject({ code: 'NOT_INITIALIZED' })
    } finally {
      await new Promise((r) => blocker.close(r))
    }
  })
})

/** The `code` of every error along the cause chain. */
function causeCodes(error: unknown): unknown[] {
  const codes: unknown[] = []
  for (let e = error; e instanceof Error; e = e.cause) codes.push((e as { code?: unknown }).code)
  return codes
}

async function busyPort<T>(body: (port: number) => Promise<T>): Promise<T> {
  const blocker = net.createServer()
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()))
  try {
    return await body((blocker.address() as net.AddressInfo).port)
  } finally {
    await new Promise((r) => blocker.close(r))
  }
}

describe('a busy port', () => {
  it('in the default (hybrid) mode too: ENDPOINT_ERROR says host:port and EADDRINUSE, keeps the listen error as cause; later calls carry it', async () => {
    await busyPort(async (port) => {
      const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
      try {
        const error = await rejection(initPixstoreBackend({ dataDir: join(dir, 'busy-hybrid'), secret: TEST_SECRET, defaultEndpointListenPort: port }))
        expect(error).toMatchObject({ code: 'ENDPOINT_ERROR' })
        expect(error.message).toContain(`127.0.0.1:${port}`)
        expect(error.message).toContain('EADDRINUSE')
        expect(causeCodes(error)).toContain('EADDRINUSE')
        setErrorHandlingMode('throw')
        const later = await rejection(imageExists('abc'))
        expect(later).toMatchObject({ code: 'NOT_INITIALIZED' })
        expect(later.message).toContain(`127.0.0.1:${port}`)
        expect(causeCodes(later)).toEqual(expect.arrayContaining(['NOT_INITIALIZED', 'ENDPOINT_ERROR', 'EADDRINUSE']))
      } finally {
        logged.mockRestore()
      }
    })
  })
})

describe('config is read from own properties only', () => {
  const planted = {
    defaultEndpointListenHost: '0.0.0.0',
    accessControlAllowOrigin: '*',
    proofTtlMs: 7 * 24 * 3600_000,
    statelessKeyWindowLength: 7 * 24 * 3600_000,
    errorHandlingMode: 'silent',
    storage: { type: 'postgres', url: 'postgres://attacker@203.0.113.1/db' },
    secret: 'planted-secret-0123456789abcdefghijklmnopqrstu',
    fileName: 'planted.sqlite',
    synchronous: 'normal',
  }

  async function polluted<T>(body: () => Promise<T>): Promise<T> {
    const proto = Object.prototype as Record<string, unknown>
    for (const [k, v] of Object.entries(planted)) proto[k] = v
    try {
      return await body()
    } finally {
      for (const k of Object.keys(planted)) delete proto[k]
    }
  }

  it('a polluted Object.prototype changes no setting: loopback, no CORS, 5-minute proofs, SQLite in dataDir under its own name', async () => {
    const dataDir = join(dir, 'polluted')
    const { resolved, address, record, mode } = await polluted(async () => {
      const resolved = resolveBackendConfig({ dataDir, defaultEndpointListenPort: 0 })
      await initPixstoreBackend({ dataDir, secret: TEST_SECRET, errorHandlingMode: 'throw', storage: { type: 'sqlite' }, defaultEndpointListenPort: 0 })
      const address = await startDefaultEndpoint()
      const record = (await saveImage(generateImage('png', { width: 3, height: 3 })))!
      return { resolved, address, record, mode: getErrorHandlingMode() }
    })
    expect(resolved).toEqual({ ...DEFAULT_BACKEND_CONFIG, dataDir, defaultEndpointListenPort: 0 })
    expect(address!.host).toBe('127.0.0.1')
    expect(mode).toBe('throw')
    const response = await fetch(`${address!.url}/${record.id}`, { headers: { origin: 'https://evil.example', 'x-pixstore-proof': record.statelessProof } })
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
    const expiry = Number(record.statelessProof.split('.')[2])
    expect(expiry - Date.now()).toBeLessThanOrEqual(DEFAULT_BACKEND_CONFIG.proofTtlMs)
    expect(await readdir(dataDir)).toContain('pixstore.sqlite')
    expect(await readdir(dataDir)).not.toContain('planted.sqlite')
    // The record's proof was signed with the configured secret, not the planted one: it verifies.
    expect((await getImageRecord(record.id))!.id).toBe(record.id)
  })

  it('the storage section refuses keys its adapter does not take, and inherited ones count for nothing', () => {
    expect(() => resolveBackendConfig({ storage: { type: 'sqlite', poolSize: 4 } as never })).toThrow(/unknown storage key "poolSize"/)
    expect(() => resolveBackendConfig({ storage: { type: 'postgres', url: 'postgres://h/db', fileName: 'x' } as never })).toThrow(
      /unknown storage key "fileName"/,
    )
    expect(() => resolveBackendConfig({ storage: { type: 'mysql' } as never })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }))
    // `type` itself must be the object's own.
    expect(() => resolveBackendConfig({ storage: Object.create({ type: 'sqlite' }) })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }))
    expect(() => resolveBackendConfig(Object.create({ dataDir: '/planted' }))).not.toThrow()
    expect(resolveBackendConfig(Object.create({ dataDir: '/planted' })).dataDir).toBe(DEFAULT_BACKEND_CONFIG.dataDir)
  })
})

describe('error handling mode: init changes it only when its config names one', () => {
  const backend = (extra: object = {}) => initPixstoreBackend({ dataDir: join(dir, 'modes'), secret: TEST_SECRET, defaultEndpointEnabled: false, ...extra })

  it("keeps the application's mode and custom handler", async () => {
    setErrorHandlingMode('throw')
    await backend()
    expect(getErrorHandlingMode()).toBe('throw')
    const seen: unknown[] = []
    setCustomErrorHandler((e) => seen.push(e))
    await backend()
    initPixstoreFrontend({})
    expect(getErrorHandlingMode()).toBe('custom')
    expect(await imageExists('not a valid id!')).toBeNull()
    expect(seen).toEqual([expect.objectContaining({ code: 'IMAGE_ID_INVALID' })])
  })

  it('backend then frontend, and frontend then backend: neither resets the other', async () => {
    await backend({ errorHandlingMode: 'warn' })
    initPixstoreFrontend({})
    expect(getErrorHandlingMode()).toBe('warn')
    initPixstoreFrontend({ errorHandlingMode: 'silent' })
    await backend()
    expect(getErrorHandlingMode()).toBe('silent')
  })

  it('a mode planted on Object.prototype is not applied by either side', async () => {
    setErrorHandlingMode('throw')
    const proto = Object.prototype as Record<string, unknown>
    proto.errorHandlingMode = 'silent'
    try {
      initPixstoreFrontend({})
      await backend()
    } finally {
      delete proto.errorHandlingMode
    }
    expect(getErrorHandlingMode()).toBe('throw')
  })
})
