// Token monotonicity under load, concurrent updates of one id, and crash safety under SIGKILL.
import { spawn } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  closePixstoreBackend,
  customEndpointHelper,
  getImageRecord,
  initPixstoreBackend,
  saveImage,
  updateImage,
} from '../../src/backend/index.js'
import { resolveBackendConfig } from '../../src/backend/config/backend-config.js'
import { renderVariants } from '../../src/backend/images/image-variants.js'
import { createSqliteAdapter } from '../../src/backend/storage/sqlite/sqlite-adapter.js'
import { openImage } from '../../src/crypto/aes-gcm.js'
import { base64ToBytes } from '../../src/crypto/base64.js'
import { bundleBackend } from '../helpers/backend-bundle.js'
import { browserDecrypt, makeTempDir, removeDir, TEST_SECRET } from '../helpers/backend-fixture.js'
import type { ImageRecord } from '../../src/types/index.js'
import { generateImage } from '../helpers/sample-images.js'

const config = (dataDir: string) =>
  ({ dataDir, secret: TEST_SECRET, errorHandlingMode: 'throw', defaultEndpointEnabled: false }) as const

describe('tokens', () => {
  let dir: string
  beforeAll(async () => {
    dir = await makeTempDir('tokens', true)
    await initPixstoreBackend(config(dir))
  })
  afterAll(async () => {
    await closePixstoreBackend()
    await removeDir(dir)
  })

  it('10,000 back-to-back updates on tmpfs never repeat a token', async () => {
    const images = [generateImage('png', { width: 2, height: 2, seed: 1 }), generateImage('png', { width: 2, height: 2, seed: 2 })]
    const first = (await saveImage(images[0]!))!
    let last = first.token
    const seen = new Set<number>([last])
    for (let i = 0; i < 10_000; i++) {
      const r = (await updateImage(first.id, images[i & 1]!))!
      // Many updates land in one millisecond: Date.now() alone would repeat.
      expect(r.token > last).toBe(true)
      seen.add(r.token)
      last = r.token
    }
    expect(seen.size).toBe(10_001)
    expect(last).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER)
    expect((await getImageRecord(first.id))!.token).toBe(last)
  }, 60_000)

  it('50 concurrent updates of one id serialise into a consistent final state', async () => {
    const base = (await saveImage(generateImage('png', { width: 3, height: 3, seed: 0 })))!
    const versions = Array.from({ length: 50 }, (_, i) => generateImage('png', { width: 3, height: 3, seed: i + 100 }))
    const records = (await Promise.all(versions.map((v) => updateImage(base.id, v)))).map((r) => r!)
    const tokens = records.map((r) => r.token)
    expect(new Set(tokens).size).toBe(50)
    const maxIndex = tokens.indexOf(Math.max(...tokens))
    const final = (await getImageRecord(base.id))!
    expect(final.token).toBe(tokens[maxIndex])
    expect(final.meta).toEqual(records[maxIndex]!.meta)
    const out = await browserDecrypt(await customEndpointHelper(base.id, undefined, final.statelessProof), final)
    expect(Buffer.from(out.image).equals(Buffer.from(versions[maxIndex]!))).toBe(true)
  })
})

describe('crash safety', () => {
  let bundle: string
  let dir: string
  beforeAll(async () => {
    bundle = await bundleBackend()
    dir = await makeTempDir('crash')
  })
  afterAll(async () => {
    await closePixstoreBackend()
    await removeDir(dir)
    await rm(bundle, { force: true })
  })

  const IMAGES = 3
  const png = (seed: number) => generateImage('png', { width: 6, height: 6, seed })
  // Every version carries two variants, so each kill can land between any of a version's writes.
  const VARIANTS = { half: { width: 3, height: 3, format: 'png' }, small: { width: 2, height: 2, format: 'webp', quality: 90 } } as const
  const crashConfig = (dataDir: string) => ({ ...config(dataDir), variants: VARIANTS })
  const presets = resolveBackendConfig({ variants: VARIANTS }).variants

  // The record's variants, decrypted from the store, must be exactly what the decrypted original
  // renders to: the original and its variants come from one version, never a mix of two.
  async function expectVariantsOf(dataDir: string, record: ImageRecord, original: Uint8Array, why: string) {
    expect(Object.keys(record.variants ?? {}).sort(), why).toEqual(['half', 'small'])
    const expected = await renderVariants(original, presets, 1_000_000)
    const store = createSqliteAdapter({ dataDir })
    await store.open()
    try {
      for (const rendered of expected) {
        const name = rendered.preset.name
        const stored = (await store.getVariant(record.id, name))!
        expect(stored?.token, why).toBe(record.token)
        const meta = record.variants![name]!.meta
        const plain = await openImage(stored.ciphertext, base64ToBytes(meta.key)!, base64ToBytes(meta.iv)!, base64ToBytes(meta.tag)!)
        expect(Buffer.from(plain.subarray(1)).equals(Buffer.from(rendered.bytes)), `${why}: variant ${name} is not the original's`).toBe(true)
      }
    } finally {
      await store.close()
    }
  }

  it('SIGKILL at random moments (25 kills): every image decrypts to a version that was written, its variants with it', async () => {
    const dataDir = join(dir, 'data')
    await initPixstoreBackend(crashConfig(dataDir))
    const ids: string[] = []
    // committed[i]: seeds that may be current for image i (last reported, plus the one in flight).
    const possible: number[][] = []
    for (let i = 0; i < IMAGES; i++) {
      ids.push((await saveImage(png(i)))!.id)
      possible.push([i])
    }
    await closePixstoreBackend()

    const childSource = (run: number) => `
      import * as b from ${JSON.stringify(bundle)}
      import { generateImage } from ${JSON.stringify(new URL('../../scripts/lib/sample-images.mjs', import.meta.url).href)}
      await b.initPixstoreBackend(${JSON.stringify(crashConfig(dataDir))})
      const ids = ${JSON.stringify(ids)}
      // A throwaway save first: libvips' first render is slow, and kills must land among real writes.
      await b.saveImage(generateImage('png', { width: 6, height: 6, seed: 1 }))
      process.stdout.write('ready\\n')
      for (let v = 1; ; v++) {
        for (let i = 0; i < ids.length; i++) {
          const seed = ${run * 1_000_000} + v * 10 + i
          process.stdout.write('start ' + i + ' ' + seed + '\\n')
          await b.updateImage(ids[i], generateImage('png', { width: 6, height: 6, seed }))
          process.stdout.write('done ' + i + ' ' + seed + '\\n')
        }
      }`

    let totalUpdates = 0
    for (let run = 1; run <= 25; run++) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', childSource(run)], { stdio: ['ignore', 'pipe', 'pipe'] })
      let buffered = ''
      const lastStart: (number | undefined)[] = []
      const lastDone: (number | undefined)[] = []
      let ready: () => void
      const isReady = new Promise<void>((r) => (ready = r))
      child.stdout.on('data', (d) => {
        buffered += d
        let nl
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl)
          buffered = buffered.slice(nl + 1)
          const [kind, i, seed] = line.split(' ')
          if (kind === 'ready') ready()
          else if (kind === 'start') lastStart[Number(i)] = Number(seed)
          else if (kind === 'done') {
            lastDone[Number(i)] = Number(seed)
            totalUpdates++
          }
        }
      })
      const exited = new Promise((r) => child.on('exit', r))
      await isReady
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 200))
      child.kill('SIGKILL')
      await exited
      for (let i = 0; i < IMAGES; i++) {
        // The kill can land before, during or after the in-flight commit.
        const next = [lastDone[i] ?? possible[i]!.at(-1)!, ...(lastStart[i] !== undefined && lastStart[i] !== lastDone[i] ? [lastStart[i]!] : [])]
        possible[i] = lastDone[i] === undefined ? [...possible[i]!, ...next] : next
      }

      await initPixstoreBackend(crashConfig(dataDir))
      for (let i = 0; i < IMAGES; i++) {
        const record = (await getImageRecord(ids[i]!))!
        const out = await browserDecrypt(await customEndpointHelper(ids[i]!, undefined, record.statelessProof), record)
        const match = possible[i]!.find((seed) => Buffer.from(png(seed)).equals(Buffer.from(out.image)))
        expect(match, `image ${i} after kill ${run} is none of ${possible[i]}`).toBeDefined()
        await expectVariantsOf(dataDir, record, out.image, `image ${i} after kill ${run}`)
        possible[i] = [match!]
      }
      await closePixstoreBackend()
    }
    // The kills must have interrupted real work, not an idle child.
    expect(totalUpdates).toBeGreaterThan(25)
  }, 180_000)
})
