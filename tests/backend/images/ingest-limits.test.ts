// Decompression bombs and long animations are refused from their headers, before any decoder runs:
// sharp is spied on, and the bomb's body is garbage that a decode would choke on.
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { closePixstoreBackend, initPixstoreBackend, saveImage, updateImage } from '../../../src/backend/index.js'
import { resolveBackendConfig } from '../../../src/backend/config/backend-config.js'
import { checkImageHeaders } from '../../../src/backend/images/image-headers.js'
import { makeTempDir, removeDir, TEST_SECRET } from '../../helpers/backend-fixture.js'
import { animated, pngChunk, samplePng } from '../../media/sample-containers.js'

const decodes = vi.hoisted(() => ({ count: 0 }))
vi.mock('sharp', async (importOriginal) => {
  const actual = (await importOriginal<typeof import('sharp')>()).default
  const counted = (...args: Parameters<typeof actual>) => {
    decodes.count++
    return actual(...args)
  }
  return { default: Object.assign(counted, actual) }
})

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)

/** A structurally valid PNG claiming `width × height`, whose IDAT holds bytes no decoder accepts. */
function pngBomb(width: number, height: number): Uint8Array {
  const ihdr = new Uint8Array(13)
  const v = new DataView(ihdr.buffer)
  v.setUint32(0, width)
  v.setUint32(4, height)
  ihdr.set([8, 2, 0, 0, 0], 8) // 8-bit RGB
  const garbage = new Uint8Array(32).fill(0xa5)
  return new Uint8Array(Buffer.concat([SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', garbage), pngChunk('IEND', new Uint8Array(0))]))
}

let dir: string
const rows = () => {
  const d = new Database(join(dir, 'pixstore.sqlite'), { readonly: true })
  try {
    return (d.prepare('SELECT count(*) AS n FROM pixstore_images').get() as { n: number }).n
  } finally {
    d.close()
  }
}
const init = (extra: object = {}) =>
  initPixstoreBackend({ dataDir: dir, secret: TEST_SECRET, errorHandlingMode: 'throw', defaultEndpointEnabled: false, ...extra })

beforeAll(async () => {
  dir = await makeTempDir('ingest-limits')
})
afterAll(async () => {
  await closePixstoreBackend()
  await removeDir(dir)
})
beforeEach(() => {
  decodes.count = 0
})

describe('maxImagePixels', () => {
  it('a 20000 × 20000 PNG header (400 MP, a few bytes) is IMAGE_TOO_MANY_PIXELS with no decode and nothing stored', async () => {
    await init()
    const bomb = pngBomb(20_000, 20_000)
    expect(bomb.length).toBeLessThan(200)
    const before = rows()
    await expect(saveImage(bomb)).rejects.toMatchObject({ code: 'IMAGE_TOO_MANY_PIXELS', message: expect.stringContaining('400000000') })
    expect(decodes.count).toBe(0)
    const kept = (await saveImage(await samplePng(1)))!
    await expect(updateImage(kept.id, bomb)).rejects.toMatchObject({ code: 'IMAGE_TOO_MANY_PIXELS' })
    expect(rows()).toBe(before + 1)
  })

  it('the same file under a raised limit reaches the decoder, which refuses its body (IMAGE_INVALID): the header check is what kept it out', async () => {
    await init({ maxImagePixels: 500_000_000 })
    const before = rows()
    await expect(saveImage(pngBomb(20_000, 20_000))).rejects.toMatchObject({ code: 'IMAGE_INVALID' })
    expect(decodes.count).toBeGreaterThan(0)
    expect(rows()).toBe(before)
  })

  it('the limit is inclusive: width × height equal to it passes, one pixel over does not', async () => {
    await init({ maxImagePixels: 64 * 48 })
    const ok = (await saveImage(await samplePng(1)))!
    expect(ok.info).toMatchObject({ width: 64, height: 48 }) // orientation 1: displayed as stored
    await init({ maxImagePixels: 64 * 48 - 1 })
    await expect(saveImage(await samplePng(1))).rejects.toMatchObject({ code: 'IMAGE_TOO_MANY_PIXELS' })
  })
})

describe('maxImageFrames', () => {
  it('an animated GIF of 3 frames is IMAGE_TOO_MANY_FRAMES under a limit of 2 (no decode), stored under 3', async () => {
    const gif = new Uint8Array(await animated('gif'))
    await init({ maxImageFrames: 2 })
    decodes.count = 0
    const before = rows()
    await expect(saveImage(gif)).rejects.toMatchObject({ code: 'IMAGE_TOO_MANY_FRAMES', message: expect.stringContaining('3 frames') })
    expect(decodes.count).toBe(0)
    expect(rows()).toBe(before)
    await init({ maxImageFrames: 3 })
    expect((await saveImage(gif))!.info).toMatchObject({ mime: 'image/gif', width: 16, height: 12 })
  })
})

describe('config and format checks', () => {
  it('defaults and validation of the new keys', () => {
    const c = resolveBackendConfig({})
    expect(c).toMatchObject({ maxImagePixels: 50_000_000, maxImageFrames: 1000, keepMetadata: false })
    for (const bad of [{ maxImagePixels: 0 }, { maxImagePixels: 1.5 }, { maxImageFrames: 0 }, { maxImageFrames: '10' }, { keepMetadata: 'yes' }]) {
      expect(() => resolveBackendConfig(bad as never), JSON.stringify(bad)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }))
    }
  })

  it('a container that is not the sniffed format is IMAGE_INVALID; a format without a header reader is IMAGE_UNSUPPORTED_FORMAT', async () => {
    const png = await samplePng(1)
    const limits = { maxImagePixels: 1e9, maxImageFrames: 10 }
    expect(() => checkImageHeaders({ bytes: png, format: 'gif', formatByte: 5 }, limits)).toThrow(expect.objectContaining({ code: 'IMAGE_INVALID' }))
    expect(() => checkImageHeaders({ bytes: png, format: 'bmp', formatByte: 7 }, limits)).toThrow(expect.objectContaining({ code: 'IMAGE_UNSUPPORTED_FORMAT' }))
    expect(checkImageHeaders({ bytes: png, format: 'png', formatByte: 1 }, limits)).toMatchObject({ format: 'png', width: 64, height: 48 })
  })

  it('a valid header over a truncated body is IMAGE_INVALID and stores nothing', async () => {
    await init()
    const png = await samplePng(1)
    const idat = Buffer.from(png).indexOf('IDAT')
    // Keep the chunk structure (the header reader passes it) but zero the compressed pixel data.
    const broken = new Uint8Array(png)
    broken.fill(0, idat + 4, idat + 40)
    const before = rows()
    await expect(saveImage(broken)).rejects.toMatchObject({ code: 'IMAGE_INVALID' })
    expect(rows()).toBe(before)
  })
})
