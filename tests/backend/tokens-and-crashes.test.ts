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
import { bundleBackend } from '../helpers/backend-bundle.js'
import { browserDecrypt, makeTempDir, removeDir, TEST_SECRET } from '../helpers/backend-fixture.js'
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

  it('SIGKILL at random moments (25 kills): every image decrypts to a version that was written', async () => {
    const dataDir = join(dir, 'data')
    await initPixstoreBackend(config(dataDir))
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
      await b.initPixstoreBackend(${JSON.stringify(config(dataDir))})
      const ids = ${JSON.stringify(ids)}
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
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 120))
      child.kill('SIGKILL')
      await exited
      for (let i = 0; i < IMAGES; i++) {
        // The kill can land before, during or after the in-flight commit.
        const next = [lastDone[i] ?? possible[i]!.at(-1)!, ...(lastStart[i] !== undefined && lastStart[i] !== lastDone[i] ? [lastStart[i]!] : [])]
        possible[i] = lastDone[i] === undefined ? [...possible[i]!, ...next] : next
      }

      await initPixstoreBackend(config(dataDir))
      for (let i = 0; i < IMAGES; i++) {
        const record = (await getImageRecord(ids[i]!))!
        const out = await browserDecrypt(await customEndpointHelper(ids[i]!, undefined, record.statelessProof), record)
        const match = possible[i]!.find((seed) => Buffer.from(png(seed)).equals(Buffer.from(out.image)))
        expect(match, `image ${i} after kill ${run} is none of ${possible[i]}`).toBeDefined()
        possible[i] = [match!]
      }
      await closePixstoreBackend()
    }
    // The kills must have interrupted real work, not an idle child.
    expect(totalUpdates).toBeGreaterThan(25)
  }, 90_000)
})
