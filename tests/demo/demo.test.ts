// `npm start` end to end: the roster app in a child process, its page in Debian's Chromium. Every
// check reads the page (DOM, pixels, element boxes, request log), the way a visitor would look at it.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import type { Page, Request } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, type LaunchedChromium } from '../browser/launch-chromium.js'
import { repoRoot, runDemoToExit, startDemo, type DemoProcess } from './demo-process.js'
import { freePort } from '../helpers/free-port.js'

interface TileFacts {
  imageId: string
  playerId: string
  kind: string
  state: string
  source: string
  token: number
  digest: string
  placeholder: string
  naturalWidth: number
}

interface RosterImage {
  imageId: string
  playerId: string
  kind: 'avatar' | 'photo'
  title: string
}

const tiles = (page: Page) =>
  page.$$eval('#players .tile', (els) =>
    els.map((el) => {
      const tile = el as HTMLElement
      const img = tile.querySelector('img')
      return {
        imageId: tile.dataset.imageId ?? '',
        playerId: tile.dataset.playerId ?? '',
        kind: tile.dataset.kind ?? '',
        state: tile.dataset.state ?? '',
        source: tile.dataset.source ?? '',
        token: Number(tile.dataset.token),
        digest: tile.dataset.digest ?? '',
        placeholder: tile.dataset.placeholder ?? '',
        naturalWidth: img?.complete ? img.naturalWidth : 0,
      }
    }),
  ) as Promise<TileFacts[]>

/** RGBA of pixel (x, y) of a tile's decrypted image, as the browser decoded it. */
const pixel = (page: Page, imageId: string, x: number, y: number) =>
  page.evaluate(
    ({ imageId, x, y }) => {
      const img = document.querySelector(`.tile[data-image-id="${CSS.escape(imageId)}"] img`) as HTMLImageElement
      const canvas = document.createElement('canvas')
      canvas.width = img.naturalWidth
      canvas.height = img.naturalHeight
      const ctx = canvas.getContext('2d')!
      ctx.drawImage(img, 0, 0)
      return Array.from(ctx.getImageData(x, y, 1, 1).data)
    },
    { imageId, x, y },
  )

const waitForGeneration = (page: Page, n: number) => page.waitForSelector(`#status[data-generation="${n}"]`, { timeout: 20_000 })
const generationOf = async (page: Page) => Number(await page.getAttribute('#status', 'data-generation'))

async function signIn(page: Page, userId: string) {
  const next = (await generationOf(page)) + 1 || 1
  await page.click(`.user-choice[data-user-id="${userId}"]`)
  await waitForGeneration(page, next)
}

async function signOut(page: Page) {
  await closeDrawer(page)
  await page.click('#sign-out')
  await page.waitForSelector('#status[data-state="signed-out"]')
}

async function openDrawer(page: Page) {
  if (await page.isHidden('#dev-drawer')) await page.click('#dev-toggle')
}

/** The drawer covers the top bar's right side: a failed test must not leave it over the next one's buttons. */
async function closeDrawer(page: Page) {
  if (await page.isVisible('#dev-drawer')) await page.click('#dev-close')
}

describe('npm start (demo/server.mjs): the roster app driven in Chromium', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pixstore-demo-test-'))
  let port: number
  let demo: DemoProcess | undefined
  let browser: LaunchedChromium | undefined
  let page: Page
  let manifest: RosterImage[]
  /** Requests the page made to the image route since the last reset. */
  let imageRequests: Request[] = []

  const fail = (message: string) => `${message}\n--- demo output ---\n${demo?.output() ?? ''}\n--- browser ---\n${browser?.logs.join('\n') ?? ''}`
  const idsOf = (filter: (image: RosterImage) => boolean) => manifest.filter(filter).map((image) => image.imageId).sort()
  const avatarIds = () => idsOf((image) => image.kind === 'avatar')

  beforeAll(async () => {
    // The demo runs the BUILT package, as after `npm install`; build once if dist/ is missing.
    if (!existsSync(path.join(repoRoot, 'dist/frontend/index.js')) || !existsSync(path.join(repoRoot, 'dist/backend/index.js'))) {
      execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, stdio: 'inherit' })
    }
    // A fixed port for both starts, so the second start has the same origin and so the same IndexedDB.
    port = await freePort()
    demo = await startDemo({ PIXSTORE_DEMO_DATA_DIR: dataDir, PIXSTORE_DEMO_PORT: String(port) })
    manifest = JSON.parse(readFileSync(path.join(dataDir, 'demo-roster.json'), 'utf8')) as RosterImage[]
    browser = await launchChromium()
    page = browser.page
    browser.context.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/player-image/')) imageRequests.push(request)
    })
  })

  afterAll(async () => {
    await browser?.close().catch(() => {})
    if (demo) await demo.stop('SIGKILL').catch(() => {})
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('draws and stores the roster on the first start (an avatar and two photos per player) and says where to go', () => {
    expect(demo!.info).toMatchObject({ seeded: 18, images: 18, pageUrl: `http://127.0.0.1:${port}/` })
    expect(manifest.filter((image) => image.kind === 'avatar')).toHaveLength(6)
    expect(manifest.filter((image) => image.kind === 'photo')).toHaveLength(12)
    expect(demo!.output()).toContain('sign in as the coach, a player or a guest')
    for (const file of ['secret', 'jwt-key']) expect(demo!.output()).not.toContain(readFileSync(path.join(dataDir, file), 'utf8').trim())
  })

  it('signed out: a sign-in screen, the CSP, and a 401 from the roster API and the image route', async () => {
    const response = await page.goto(demo!.info.pageUrl)
    const csp = response!.headers()['content-security-policy'] ?? ''
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'")
    expect(csp).not.toContain('unsafe-inline')
    await page.waitForSelector('#status[data-state="signed-out"]')
    expect(await page.$$eval('.user-choice', (els) => els.map((el) => (el as HTMLElement).dataset.role))).toEqual(['coach', 'player', 'player', 'guest'])
    expect(await page.isHidden('#roster')).toBe(true)
    expect(await page.isVisible('#sign-out')).toBe(false)
    expect(imageRequests).toHaveLength(0)
    expect((await fetch(`${demo!.info.pageUrl}api/roster`)).status).toBe(401)
    const avatar = manifest[0]!
    const unsigned = await fetch(`${demo!.info.pageUrl}player-image/${avatar.playerId}/${encodeURIComponent(avatar.imageId)}`)
    expect(unsigned.status).toBe(401)
    expect(unsigned.headers.get('content-type')).toContain('application/json') // an error, never wire bytes
  })

  it('the coach sees every avatar and photo, fetched through /player-image with the JWT, proof and token', async () => {
    imageRequests = []
    await signIn(page, 'coach-dana')
    expect(await page.getAttribute('#status', 'data-state'), fail('status')).toBe('ready')
    const all = await tiles(page)
    expect(all.map((t) => t.imageId).sort()).toEqual(idsOf(() => true))
    for (const tile of all) {
      expect(tile.state, fail(tile.imageId)).toBe('loaded')
      expect(tile.source).toBe('network')
      // The record's ThumbHash painted the box before the image arrived.
      expect(tile.placeholder).toBe('thumbhash')
      // Lists get the thumbnail variant (360 px inside), never the original (512 px avatars, 1200 px photos).
      expect(tile.naturalWidth).toBe(360)
    }
    expect(imageRequests).toHaveLength(18)
    for (const request of imageRequests) {
      const headers = request.headers()
      expect(headers.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/)
      expect(headers['x-pixstore-proof']).toBeTruthy()
      expect(headers['x-pixstore-token']).toMatch(/^\d+$/)
      const url = new URL(request.url())
      expect(url.searchParams.get('variant')).toBe('thumb')
      const [, , playerId, imageId] = url.pathname.split('/')
      expect(manifest.find((image) => image.imageId === decodeURIComponent(imageId!))?.playerId).toBe(playerId)
    }
    // Photo-like content, not a gradient test card: many distinct colours across a photo.
    const photo = all.find((t) => t.kind === 'photo')!
    const samples = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((i) => pixel(page, photo.imageId, 10 + i * 45, 10 + i * 28)))
    expect(new Set(samples.map((rgba) => rgba.join(','))).size).toBeGreaterThan(5)
    // The JWT lives in memory only.
    const jwt = imageRequests[0]!.headers().authorization!.slice('Bearer '.length)
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie)
    expect(stored).not.toContain(jwt)
    const states = await page.$$eval('#wire-log tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset.state))
    expect(states).toEqual(Array(18).fill('0'))
    // "ready" means written too: the page waits for the cache writes (getCacheStats) before saying so.
    const stats = await page.$eval('#cache-stats', (el) => ({ ...(el as HTMLElement).dataset, text: el.textContent ?? '' }) as Record<string, string>)
    expect({ entries: stats.entries, writeErrors: stats.writeErrors }, stats.text).toEqual({ entries: '18', writeErrors: '0' })
  })

  it('a reload signs the visitor out; signing in again takes every image from IndexedDB, with no image request', async () => {
    imageRequests = []
    await page.reload()
    await page.waitForSelector('#status[data-state="signed-out"]')
    await signIn(page, 'coach-dana')
    const all = await tiles(page)
    expect(all.map((t) => t.source), fail(JSON.stringify(all, null, 1))).toEqual(Array(18).fill('indexeddb'))
    expect(all.every((t) => t.naturalWidth > 0)).toBe(true)
    expect(imageRequests).toHaveLength(0)
  })

  it('loading again is served by the hot tier, and the drawer does not claim a decrypt time for it', async () => {
    await openDrawer(page)
    const generation = await generationOf(page)
    await page.click('#reload-roster')
    await waitForGeneration(page, generation + 1)
    expect((await tiles(page)).map((t) => t.source)).toEqual(Array(18).fill('hot'))
    const decrypt = await page.$$eval('#loads tbody tr', (rows) => rows.map((r) => r.children[4]!.textContent))
    expect(decrypt).toHaveLength(18)
    for (const text of decrypt) expect(text).toBe('— (kept decrypted)')
    expect(imageRequests).toHaveLength(0)
  })

  it('the cache holds ciphertext and a token, never a key, and the panel follows "Clear cache"', async () => {
    const first = (await tiles(page))[0]!
    const slot = `${first.imageId}@thumb` // the frontend's cache slot of a variant
    await page.click(`#loads tbody tr[data-image-id="${first.imageId}"][data-variant="thumb"] .inspect`)
    await page.waitForSelector(`#cache-record[data-id="${slot}"][data-cached="true"]`)
    const fields = (await page.getAttribute('#cache-record', 'data-fields'))!.split(',')
    expect(fields).toEqual(expect.arrayContaining(['id', 'token', 'ciphertext', 'size']))
    for (const secretField of ['key', 'iv', 'tag', 'meta', 'statelessProof']) expect(fields).not.toContain(secretField)
    // Byte-level: the stored ciphertext, read straight from IndexedDB, holds no copy of the image key.
    const session = (await (await fetch(`${demo!.info.pageUrl}api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: demo!.info.pageUrl.slice(0, -1) },
      body: JSON.stringify({ userId: 'coach-dana' }),
    })).json()) as { token: string }
    const recordOf = await (await fetch(`${demo!.info.pageUrl}api/images/${encodeURIComponent(first.imageId)}/record`, { headers: { authorization: `Bearer ${session.token}` } })).json()
    const { record } = recordOf as { record: { meta: { key: string }; variants: { thumb: { meta: { key: string } } } } }
    const keys = [record.meta.key, record.variants.thumb.meta.key].map((k) => Buffer.from(k, 'base64'))
    const stored = await page.evaluate(
      (id) =>
        new Promise<number[]>((resolve, reject) => {
          const open = indexedDB.open('pixstore')
          open.onerror = () => reject(open.error)
          open.onsuccess = () => {
            const get = open.result.transaction('images').objectStore('images').get(id)
            get.onsuccess = async () => {
              const c = get.result.ciphertext as ArrayBuffer | Blob
              resolve(Array.from(new Uint8Array(c instanceof Blob ? await c.arrayBuffer() : c)))
              open.result.close()
            }
          }
        }),
      slot,
    )
    expect(stored.length).toBeGreaterThan(1000)
    for (const key of keys) expect(Buffer.from(stored).includes(key)).toBe(false)
    const before = await page.textContent('#cache-record')
    const generation = await generationOf(page)
    imageRequests = []
    await page.click('#clear-cache')
    await waitForGeneration(page, generation + 1)
    // Everything came over the network again, and the panel shows the record written since.
    expect((await tiles(page)).map((t) => t.source)).toEqual(Array(18).fill('network'))
    expect(imageRequests).toHaveLength(18)
    await page.waitForFunction((old) => document.querySelector('#cache-record')!.textContent !== old, before)
    expect(await page.getAttribute('#cache-record', 'data-cached')).toBe('true')
    expect(Number(await page.getAttribute('#cache-stats', 'data-entries'))).toBe(18)
  })

  it('opening a photo fetches its original on demand; replacing it shows the new version at once and after a reload', async () => {
    const before = (await tiles(page)).find((t) => t.kind === 'photo')!
    const pixelBefore = await pixel(page, before.imageId, 180, 200)
    imageRequests = []
    await page.click('#dev-close')
    await page.click(`.tile[data-image-id="${before.imageId}"]`)
    await page.waitForSelector('#viewer[data-state="loaded"]')
    expect(await page.getAttribute('#viewer', 'data-token')).toBe(String(before.token))
    expect(await page.getAttribute('#viewer', 'data-natural-width')).toBe('1200')
    expect(imageRequests.map((r) => new URL(r.url()).searchParams.has('variant'))).toEqual([false])
    // The thumbnail cost a fraction of the original's bytes on the wire.
    const wire = await page.$$eval(`#loads tbody tr[data-image-id="${before.imageId}"]`, (rows) =>
      Object.fromEntries(rows.map((r) => [(r as HTMLElement).dataset.variant || 'original', Number((r as HTMLElement).dataset.wireBytes)])),
    )
    expect(wire.thumb! * 3).toBeLessThan(wire.original!)
    imageRequests = []
    await page.click('#viewer-replace')
    await page.waitForSelector(`.tile[data-image-id="${before.imageId}"][data-replaced="1"][data-state="loaded"]`)
    const after = (await tiles(page)).find((t) => t.imageId === before.imageId)!
    expect(after.token).toBeGreaterThan(before.token)
    expect(after.digest).not.toBe(before.digest)
    expect(after.source).toBe('network')
    await page.waitForSelector(`#viewer[data-token="${after.token}"]`)
    expect(await pixel(page, before.imageId, 180, 200)).not.toEqual(pixelBefore)
    // The new thumbnail for the list, the new original for the open viewer.
    expect(imageRequests.map((r) => new URL(r.url()).searchParams.get('variant')).sort()).toEqual([null, 'thumb'])
    await page.click('#viewer-close')

    imageRequests = []
    await page.reload()
    await page.waitForSelector('#status[data-state="signed-out"]')
    await signIn(page, 'coach-dana')
    expect((await tiles(page)).find((t) => t.imageId === before.imageId)).toMatchObject({ token: after.token, digest: after.digest, source: 'indexeddb' })
    expect(imageRequests).toHaveLength(0)
  })

  it('a client with the old record and no cached copy gets an Updated frame with the new version', async () => {
    const before = (await tiles(page)).filter((t) => t.kind === 'photo')[1]!
    await openDrawer(page)
    await page.check('#keep-stale')
    await page.click('#dev-close')
    try {
      await page.click(`.tile[data-image-id="${before.imageId}"]`)
      await page.click('#viewer-replace')
      await page.waitForSelector(`.tile[data-image-id="${before.imageId}"][data-replaced="1"][data-state="loaded"]`)
      await page.click('#viewer-close')
    } finally {
      await openDrawer(page)
      await page.uncheck('#keep-stale')
    }
    const after = (await tiles(page)).find((t) => t.imageId === before.imageId)!
    expect(after.token).toBeGreaterThan(before.token)
    expect(after.digest).not.toBe(before.digest)
    const updated = await page.$$eval('#wire-log tbody tr[data-state="1"]', (rows) => rows.map((r) => Array.from(r.children, (td) => td.textContent)))
    expect(updated.length).toBeGreaterThan(0)
    const newest = updated[0]!
    expect(newest[0]).toMatch(/\(thumb\)$/) // the thumbnail's own frame, with the variant's new key
    expect(newest[2]).toBe(String(before.token)) // the request carried the old token
    expect(newest[4]).toBe('1 Updated')
    expect(newest[5]).toBe('69 B')
  })

  it('the codec switch decodes with WASM, then TS, and never moves the drawer below it', async () => {
    await openDrawer(page)
    const cacheTop = () => page.$eval('#cache-stats', (el) => el.getBoundingClientRect().top)
    const top = await cacheTop()
    for (const codec of ['wasm', 'ts', 'auto'] as const) {
      await page.click(`[data-codec="${codec}"]`)
      expect(await page.getAttribute(`[data-codec="${codec}"]`, 'aria-pressed'), codec).toBe('true')
      if (codec !== 'auto') expect(await page.getAttribute('#codec-info', 'data-decoder')).toBe(codec)
      expect(await cacheTop()).toBe(top)
    }
    // The checkbox sentence is one text box beside the box, not flex items per phrase; words never split.
    const label = await page.$eval('label.check', (el) => {
      const [box, text] = [el.children[0]!.getBoundingClientRect(), el.children[1]!.getBoundingClientRect()]
      return { children: el.children.length, display: getComputedStyle(el).display, textRight: text.left >= box.right, em: el.querySelector('span > em') !== null }
    })
    expect(label).toEqual({ children: 2, display: 'grid', textRight: true, em: true })
    const breaks = await page.$$eval('pre, .tile-label, .player-name, td', (els) => [...new Set(els.map((el) => getComputedStyle(el).wordBreak))])
    expect(breaks).toEqual(['normal'])
    await page.click('#dev-close')
  })

  it('a player sees every avatar and only their own photos; signing out empties the cache', async () => {
    await signOut(page)
    await openDrawer(page)
    expect(await page.getAttribute('#cache-stats', 'data-entries')).toBe('0')
    await page.click('#dev-close')
    imageRequests = []
    await signIn(page, 'player-maya')
    const all = await tiles(page)
    const loaded = all.filter((t) => t.state === 'loaded').map((t) => t.imageId).sort()
    expect(loaded).toEqual(idsOf((image) => image.kind === 'avatar' || image.playerId === 'maya'))
    const locked = all.filter((t) => t.state === 'locked')
    expect(locked).toHaveLength(10)
    for (const tile of locked) {
      expect(tile.kind).toBe('photo')
      expect(tile.playerId).not.toBe('maya')
      expect(tile.naturalWidth).toBe(0)
    }
    expect(imageRequests.map((r) => decodeURIComponent(new URL(r.url()).pathname.split('/')[3]!)).sort()).toEqual(loaded)
  })

  it('the access checks show a 401, a 403 and a record refused for its scope', async () => {
    for (const check of ['unauthenticated', 'forbidden', 'scope']) {
      await page.click(`[data-check="${check}"]`)
      await page.waitForSelector(`#access-log li[data-check="${check}"]`)
    }
    const log = await page.$$eval('#access-log li', (items) => items.map((li) => ({ ...(li as HTMLElement).dataset, text: li.textContent ?? '' }) as Record<string, string>))
    expect(log.find((l) => l.check === 'unauthenticated')).toMatchObject({ status: '401', refused: 'true' })
    expect(log.find((l) => l.check === 'forbidden')).toMatchObject({ status: '403', refused: 'true' })
    const scope = log.find((l) => l.check === 'scope')!
    expect(scope).toMatchObject({ state: '5', stateName: 'InvalidProof', refused: 'true' })
    expect(scope.text).toContain('issued to')
  })

  it('the WebSocket switch serves the same images over one connection, with the same refusals', async () => {
    expect(demo!.info.websocket).toBe(true)
    const sockets: string[] = []
    page.on('websocket', (socket) => sockets.push(socket.url()))
    const before = new Map((await tiles(page)).filter((t) => t.state === 'loaded').map((t) => [t.imageId, t.digest]))
    await openDrawer(page)
    await page.click('[data-transport="websocket"]')
    await page.waitForSelector('#transport-info[data-transport="websocket"]')
    imageRequests = []
    const generation = await generationOf(page)
    await page.click('#clear-cache')
    await waitForGeneration(page, generation + 1)
    const loaded = (await tiles(page)).filter((t) => t.state === 'loaded')
    // The same versions, decrypted to the same bytes, none of them over HTTP.
    expect(new Map(loaded.map((t) => [t.imageId, t.digest]))).toEqual(before)
    expect(loaded.map((t) => t.source)).toEqual(Array(8).fill('network'))
    expect(imageRequests).toHaveLength(0)
    const rows = await page.$$eval('#wire-log tbody tr', (trs) => trs.slice(0, 8).map((tr) => `${(tr as HTMLElement).dataset.via} ${(tr as HTMLElement).dataset.state}`))
    expect(rows).toEqual(Array(8).fill('websocket 0'))
    expect(sockets.some((url) => new URL(url).pathname === '/player-image-ws' && new URL(url).searchParams.has('ticket'))).toBe(true)
    await page.click('#dev-close')
    await page.$eval('#access-log', (log) => log.replaceChildren())
    for (const check of ['unauthenticated', 'forbidden', 'scope']) {
      await page.click(`[data-check="${check}"]`)
      await page.waitForSelector(`#access-log li[data-check="${check}"]`)
    }
    const log = await page.$$eval('#access-log li', (items) => items.map((li) => ({ ...(li as HTMLElement).dataset })))
    expect(log.find((l) => l.check === 'unauthenticated')).toMatchObject({ status: '401', via: 'WebSocket', refused: 'true' })
    expect(log.find((l) => l.check === 'forbidden')).toMatchObject({ status: '403', via: 'WebSocket', refused: 'true' })
    expect(log.find((l) => l.check === 'scope')).toMatchObject({ state: '5', stateName: 'InvalidProof' })
    await openDrawer(page)
    await page.click('[data-transport="http"]')
    await page.waitForSelector('#transport-info[data-transport="http"]')
    await closeDrawer(page)
  })

  it('a guest sees avatars only, and the route refuses a photo with 403 even with a valid sign-in', async () => {
    await signOut(page)
    imageRequests = []
    await signIn(page, 'guest')
    const all = await tiles(page)
    expect(all.filter((t) => t.state === 'loaded').map((t) => t.imageId).sort()).toEqual(avatarIds())
    expect(all.filter((t) => t.state === 'locked')).toHaveLength(12)
    expect(imageRequests).toHaveLength(6)
    // The same guest sign-in, used directly on a photo's route: refused before Pixstore runs.
    const session = await (await fetch(`${demo!.info.pageUrl}api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: demo!.info.pageUrl.slice(0, -1) },
      body: JSON.stringify({ userId: 'guest' }),
    })).json() as { token: string }
    const photo = manifest.find((image) => image.kind === 'photo')!
    const response = await fetch(`${demo!.info.pageUrl}player-image/${photo.playerId}/${encodeURIComponent(photo.imageId)}`, { headers: { authorization: `Bearer ${session.token}` } })
    expect(response.status).toBe(403)
  })

  it('holds at phone width (390 px): no horizontal overflow, every card and tile inside the viewport', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    try {
      const layout = () =>
        page.evaluate(() => {
          const width = document.documentElement.clientWidth
          const boxes = [...document.querySelectorAll('.topbar, .topbar button, .player, .tile, .access button, #status')].map((el) => el.getBoundingClientRect())
          return {
            width,
            scrollWidth: document.documentElement.scrollWidth,
            outside: boxes.filter((b) => b.left < 0 || b.right > width + 0.5).length,
            empty: boxes.filter((b) => b.width === 0 || b.height === 0).length,
            photoRows: new Set([...document.querySelectorAll('.player:first-child .photos .tile')].map((el) => Math.round(el.getBoundingClientRect().top))).size,
          }
        })
      expect(await layout()).toEqual({ width: 390, scrollWidth: 390, outside: 0, empty: 0, photoRows: 1 })
      await page.click('#dev-toggle')
      const drawer = await page.$eval('#dev-drawer', (el) => {
        const box = el.getBoundingClientRect()
        return { left: box.left, right: box.right, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }
      })
      expect(drawer.left).toBeGreaterThanOrEqual(0)
      expect(drawer.right).toBeLessThanOrEqual(390)
      expect(drawer.scrollWidth).toBe(drawer.clientWidth) // wide tables scroll inside their own box
      expect((await layout()).scrollWidth).toBe(390)
      await page.click('#dev-close')
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 })
    }
  })

  it('explains a busy port and exits with 1', async () => {
    const other = mkdtempSync(path.join(os.tmpdir(), 'pixstore-demo-busy-'))
    try {
      const busy = await runDemoToExit({ PIXSTORE_DEMO_DATA_DIR: other, PIXSTORE_DEMO_PORT: String(port) })
      expect(busy.code).toBe(1)
      expect(busy.output).toContain(`port ${port} on 127.0.0.1 is in use; stop what uses it or set PIXSTORE_DEMO_PORT=0`)
    } finally {
      rmSync(other, { recursive: true, force: true })
    }
  })

  it('stops cleanly on Ctrl-C, and a second start reuses its images, secret and sign-in key', async () => {
    const secret = readFileSync(path.join(dataDir, 'secret'), 'utf8')
    const jwtKey = readFileSync(path.join(dataDir, 'jwt-key'), 'utf8')
    const code = await demo!.stop('SIGINT')
    expect(code, fail('exit code')).toBe(0)
    expect(demo!.output()).toContain('stopped (server closed, database closed)')

    demo = await startDemo({ PIXSTORE_DEMO_DATA_DIR: dataDir, PIXSTORE_DEMO_PORT: String(port) })
    expect(demo.info).toMatchObject({ seeded: 0, images: 18 })
    expect(readFileSync(path.join(dataDir, 'secret'), 'utf8')).toBe(secret)
    expect(readFileSync(path.join(dataDir, 'jwt-key'), 'utf8')).toBe(jwtKey)

    // Same origin, same IndexedDB: the guest's avatars cached before the restart are still valid.
    imageRequests = []
    await page.reload()
    await page.waitForSelector('#status[data-state="signed-out"]')
    await signIn(page, 'guest')
    expect((await tiles(page)).filter((t) => t.state === 'loaded').map((t) => t.source)).toEqual(Array(6).fill('indexeddb'))
    expect(imageRequests).toHaveLength(0)
    expect(await demo.stop('SIGTERM')).toBe(0)
  })
})
