// `npm start` end to end: the demo server in a child process, its page in Debian's Chromium. Every
// check reads the page (DOM, pixels, request log), the way a newcomer would look at it.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, type LaunchedChromium } from '../browser/launch-chromium.js'
import { repoRoot, runDemoToExit, startDemo, type DemoProcess } from './demo-process.js'
import { freePort } from '../helpers/free-port.js'

interface CardFacts {
  id: string
  name: string
  state: string
  source: string
  token: number
  digest: string
  codec: string
  wireBytes: number
  naturalWidth: number
}


const cards = (page: Page) =>
  page.$$eval('#gallery .card', (els) =>
    els.map((el) => {
      const card = el as HTMLElement
      const img = card.querySelector('img') as HTMLImageElement
      return {
        id: card.dataset.id ?? '',
        name: card.querySelector('.name')?.textContent ?? '',
        state: card.dataset.state ?? '',
        source: card.dataset.source ?? '',
        token: Number(card.dataset.token),
        digest: card.dataset.digest ?? '',
        codec: card.dataset.codec ?? '',
        wireBytes: Number(card.dataset.wireBytes),
        naturalWidth: img.complete ? img.naturalWidth : 0,
      }
    }),
  ) as Promise<CardFacts[]>

/** RGBA of pixel (x, y) as the browser rendered the card's image. */
const pixel = (page: Page, id: string, x: number, y: number) =>
  page.evaluate(
    ({ id, x, y }) => {
      const img = document.querySelector(`.card[data-id="${CSS.escape(id)}"] img`) as HTMLImageElement
      const canvas = document.createElement('canvas')
      canvas.width = img.naturalWidth
      canvas.height = img.naturalHeight
      const ctx = canvas.getContext('2d')!
      ctx.drawImage(img, 0, 0)
      return Array.from(ctx.getImageData(x, y, 1, 1).data)
    },
    { id, x, y },
  )

const waitForGeneration = (page: Page, n: number) =>
  page.waitForSelector(`#status[data-generation="${n}"]`, { timeout: 20_000 })

describe('npm start (demo/server.mjs) driven in Chromium', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pixstore-demo-test-'))
  let ports: { page: number; endpoint: number }
  let demo: DemoProcess | undefined
  let browser: LaunchedChromium | undefined
  let page: Page
  /** GETs the page made to the image endpoint, since the last reset. */
  let imageRequests: string[] = []
  let apiRequests: string[] = []
  let replaced: { id: string; token: number; digest: string; pixel: number[] }

  const fail = (message: string) => `${message}\n--- demo output ---\n${demo?.output() ?? ''}\n--- browser ---\n${browser?.logs.join('\n') ?? ''}`

  beforeAll(async () => {
    // The demo runs the BUILT package, as after `npm install`; build once if dist/ is missing.
    if (!existsSync(path.join(repoRoot, 'dist/frontend/index.js')) || !existsSync(path.join(repoRoot, 'dist/backend/index.js'))) {
      execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, stdio: 'inherit' })
    }
    // Fixed ports for both starts, so the second start has the same origin and so the same IndexedDB.
    ports = { page: await freePort(), endpoint: await freePort() }
    demo = await startDemo({
      PIXSTORE_DEMO_DATA_DIR: dataDir,
      PIXSTORE_DEMO_PORT: String(ports.page),
      PIXSTORE_DEMO_ENDPOINT_PORT: String(ports.endpoint),
    })
    browser = await launchChromium()
    page = browser.page
    browser.context.on('request', (request) => {
      const url = request.url()
      if (url.startsWith(demo!.info.endpointUrl) && request.method() === 'GET') imageRequests.push(url)
      if (url.includes('/api/images')) apiRequests.push(url)
    })
  })

  afterAll(async () => {
    await browser?.close().catch(() => {})
    if (demo) await demo.stop('SIGKILL').catch(() => {})
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('seeds a dozen images on the first start and prints where it listens', () => {
    expect(demo!.info.seeded).toBe(12)
    expect(demo!.info.images).toBe(12)
    expect(demo!.info.pageUrl).toBe(`http://127.0.0.1:${ports.page}/`)
    expect(demo!.info.endpointUrl).toBe(`http://127.0.0.1:${ports.endpoint}/pixstore-image`)
    const secret = readFileSync(path.join(dataDir, 'secret'), 'utf8')
    expect(demo!.output()).not.toContain(secret.trim())
  })

  it('serves the page with a CSP that allows its own scripts and WebAssembly only', async () => {
    const response = await page.goto(demo!.info.pageUrl)
    const csp = response!.headers()['content-security-policy'] ?? ''
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'")
    expect(csp).not.toContain('unsafe-inline')
    await waitForGeneration(page, 1)
  })

  it('renders every image, fetched from the network through the endpoint', async () => {
    expect(await page.getAttribute('#status', 'data-state'), fail('status')).toBe('ready')
    const all = await cards(page)
    expect(all).toHaveLength(12)
    for (const card of all) {
      expect(card.state, fail(card.name)).toBe('loaded')
      expect(card.naturalWidth, fail(card.name)).toBeGreaterThan(0)
      expect(card.source).toBe('network')
      expect(card.wireBytes).toBeGreaterThan(1)
    }
    // The formats the seed promises, each decoded by the browser.
    expect(new Set(all.map((c) => c.name.split('.').pop()))).toEqual(new Set(['png', 'gif', 'jpg', 'webp']))
    expect(imageRequests).toHaveLength(12)
    // The wire panel saw twelve Success frames (state byte 0).
    const states = await page.$$eval('#wire-log tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset.state))
    expect(states).toEqual(Array(12).fill('0'))
  })

  it('a reload comes from IndexedDB with no request to the image endpoint', async () => {
    imageRequests = []
    apiRequests = []
    await page.reload()
    await waitForGeneration(page, 1)
    const all = await cards(page)
    const seen = fail(JSON.stringify(all, null, 1))
    expect(all, seen).toHaveLength(12)
    for (const card of all) {
      expect(card.naturalWidth, seen).toBeGreaterThan(0)
      expect(card.source, seen).toBe('indexeddb')
      expect(card.wireBytes, seen).toBe(0)
    }
    expect(apiRequests.length).toBeGreaterThan(0) // fresh records were asked for: the counter is live
    expect(imageRequests, seen).toEqual([])
  })

  it('loading again in the same page is served by the hot tier', async () => {
    await page.click('#reload-gallery')
    await waitForGeneration(page, 2)
    const all = await cards(page)
    expect(all.map((c) => c.source), fail(JSON.stringify(all, null, 1))).toEqual(Array(12).fill('hot'))
    expect(imageRequests).toEqual([])
  })

  it('the cache holds ciphertext and a token, never a key', async () => {
    const first = (await cards(page))[0]!
    await page.click(`.card[data-id="${first.id}"] .inspect`)
    await page.waitForSelector(`#cache-record[data-id="${first.id}"]`)
    const fields = (await page.getAttribute('#cache-record', 'data-fields'))!.split(',')
    expect(fields).toEqual(expect.arrayContaining(['id', 'token', 'ciphertext', 'size']))
    for (const secretField of ['key', 'iv', 'tag', 'meta', 'statelessProof']) expect(fields).not.toContain(secretField)
    // Byte-level: the stored record, read straight from IndexedDB, contains no copy of the image key.
    const records = (await (await fetch(`${demo!.info.pageUrl}api/images`)).json()) as { id: string; record: { meta: { key: string } } }[]
    const key = Buffer.from(records.find((r) => r.id === first.id)!.record.meta.key, 'base64')
    const stored = await page.evaluate(
      (id) =>
        new Promise<number[]>((resolve, reject) => {
          const open = indexedDB.open('pixstore')
          open.onerror = () => reject(open.error)
          open.onsuccess = () => {
            const get = open.result.transaction('images').objectStore('images').get(id)
            get.onsuccess = () => {
              open.result.close()
              resolve(Array.from(new Uint8Array(get.result.ciphertext as ArrayBuffer)))
            }
          }
        }),
      first.id,
    )
    expect(stored.length).toBeGreaterThan(16)
    expect(Buffer.from(stored).includes(key)).toBe(false)
  })

  it('replacing an image shows the new version, and never the old one again', async () => {
    const before = (await cards(page)).find((c) => c.name.endsWith('.png'))!
    const pixelBefore = await pixel(page, before.id, 0, 0)
    imageRequests = []
    await page.click(`.card[data-id="${before.id}"] .replace`)
    await page.waitForSelector(`.card[data-id="${before.id}"][data-replaced="1"][data-state="loaded"]`)
    const after = (await cards(page)).find((c) => c.id === before.id)!
    expect(after.token).toBeGreaterThan(before.token)
    expect(after.digest).not.toBe(before.digest)
    expect(after.source).toBe('network')
    expect(after.naturalWidth).toBeGreaterThan(0)
    const pixelAfter = await pixel(page, before.id, 0, 0)
    expect(pixelAfter).not.toEqual(pixelBefore)
    expect(imageRequests).toHaveLength(1)
    replaced = { id: before.id, token: after.token, digest: after.digest, pixel: pixelAfter }

    // A reload gets fresh records: the new version, from the cache, with no request.
    imageRequests = []
    await page.reload()
    await waitForGeneration(page, 1)
    const again = (await cards(page)).find((c) => c.id === before.id)!
    expect(again).toMatchObject({ token: replaced.token, digest: replaced.digest, source: 'indexeddb' })
    expect(await pixel(page, before.id, 0, 0)).toEqual(replaced.pixel)
    expect(imageRequests).toEqual([])
  })

  it('a client with the old record and no cached copy gets an Updated frame with the new version', async () => {
    const before = (await cards(page)).find((c) => c.name.endsWith('.gif'))!
    const generation = Number(await page.getAttribute('#status', 'data-generation'))
    imageRequests = []
    await page.check('#keep-stale')
    try {
      await page.click(`.card[data-id="${before.id}"] .replace`)
      await page.waitForSelector(`.card[data-id="${before.id}"][data-replaced="1"][data-state="loaded"]`)
    } finally {
      await page.uncheck('#keep-stale')
    }
    const after = (await cards(page)).find((c) => c.id === before.id)!
    expect(after.token).toBeGreaterThan(before.token)
    expect(after.digest).not.toBe(before.digest)
    expect(after.naturalWidth).toBeGreaterThan(0)
    const newest = await page.$$eval('#wire-log tbody tr:first-child td', (tds) => tds.map((td) => td.textContent))
    expect(newest[1]).toBe(String(before.token)) // the request carried the old token
    expect(newest[3]).toBe('1 Updated')
    expect(newest[4]).toBe('69 B')
    // The page then took the current record from its API: the next load is a hot-tier hit.
    await page.click('#reload-gallery')
    await waitForGeneration(page, generation + 1)
    expect((await cards(page)).find((c) => c.id === before.id)).toMatchObject({ source: 'hot', token: after.token, digest: after.digest })
    expect(imageRequests).toHaveLength(1)
  })

  it('switching the codec decodes wire payloads with WASM, then with TS', async () => {
    let generation = Number(await page.getAttribute('#status', 'data-generation'))
    for (const codec of ['wasm', 'ts'] as const) {
      await page.click(`[data-codec="${codec}"]`)
      expect(await page.getAttribute('#codec-info', 'data-decoder')).toBe(codec)
      expect(await page.getAttribute(`[data-codec="${codec}"]`, 'aria-pressed')).toBe('true')
      if (codec === 'wasm') expect(await page.getAttribute('#codec-info', 'data-wasm')).toBe('ready')
      imageRequests = []
      await page.click('#clear-cache')
      await waitForGeneration(page, ++generation)
      const all = await cards(page)
      for (const card of all) {
        expect(card).toMatchObject({ state: 'loaded', source: 'network', codec })
        expect(card.naturalWidth, fail(card.name)).toBeGreaterThan(0)
      }
      expect(imageRequests).toHaveLength(12)
    }
    // The choice survives a reload of the page.
    await page.reload()
    await waitForGeneration(page, 1)
    expect(await page.getAttribute('#codec-info', 'data-mode')).toBe('ts')
  })

  it('refuses a busy port with a clear message, for the page and for the endpoint', async () => {
    const other = mkdtempSync(path.join(os.tmpdir(), 'pixstore-demo-busy-'))
    try {
      const page = await runDemoToExit({ PIXSTORE_DEMO_DATA_DIR: other, PIXSTORE_DEMO_PORT: String(ports.page) })
      expect(page.code).toBe(1)
      expect(page.output).toContain(`port ${ports.page} on 127.0.0.1 is in use`)
      const endpoint = await runDemoToExit({
        PIXSTORE_DEMO_DATA_DIR: other,
        PIXSTORE_DEMO_PORT: '0',
        PIXSTORE_DEMO_ENDPOINT_PORT: String(ports.endpoint),
      })
      expect(endpoint.code).toBe(1)
      expect(endpoint.output).toContain(`port ${ports.endpoint} on 127.0.0.1 is in use; stop what uses it or set PIXSTORE_DEMO_ENDPOINT_PORT=0`)
    } finally {
      rmSync(other, { recursive: true, force: true })
    }
  })

  it('stops cleanly on Ctrl-C, and a second start reuses its images and secret', async () => {
    const secret = readFileSync(path.join(dataDir, 'secret'), 'utf8')
    const code = await demo!.stop('SIGINT')
    expect(code, fail('exit code')).toBe(0)
    expect(demo!.output()).toContain('stopped (endpoint closed, database closed)')

    demo = await startDemo({
      PIXSTORE_DEMO_DATA_DIR: dataDir,
      PIXSTORE_DEMO_PORT: String(ports.page),
      PIXSTORE_DEMO_ENDPOINT_PORT: String(ports.endpoint),
    })
    expect(demo.info).toMatchObject({ seeded: 0, images: 12 })
    expect(readFileSync(path.join(dataDir, 'secret'), 'utf8')).toBe(secret)

    // Same origin, same IndexedDB: the cache filled before the restart is still valid (same tokens).
    imageRequests = []
    await page.reload()
    await waitForGeneration(page, 1)
    const all = await cards(page)
    expect(all.map((c) => c.source)).toEqual(Array(12).fill('indexeddb'))
    expect(all.find((c) => c.id === replaced.id)).toMatchObject({ token: replaced.token, digest: replaced.digest })
    expect(imageRequests).toEqual([])

    // And the network path works with the reused secret: proofs verify, stored keys unwrap.
    await page.click('#clear-cache')
    await waitForGeneration(page, 2)
    for (const card of await cards(page)) {
      expect(card).toMatchObject({ state: 'loaded', source: 'network' })
      expect(card.naturalWidth, fail(card.name)).toBeGreaterThan(0)
    }
    expect(imageRequests).toHaveLength(12)
    expect(await demo.stop('SIGTERM')).toBe(0)
  })
})
