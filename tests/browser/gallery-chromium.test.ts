// A gallery in Chromium through getImageUrl: the misses of one render go out as one batch POST
// (BATCH.md), one failing item fails only its image, a reload makes no image request, an image shown
// twice has one URL, revoked after its last release. The batch route here is a small server in the
// test answering POST with a container built by encodeBatch from the backend's own frames
// (customEndpointHelper), GET as the single route does.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import type http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { customEndpointHelper, saveImage } from '../../src/backend/index.js'
import { encodeBatch } from '../../src/codec/index.js'
import { PROOF_HEADER, TOKEN_HEADER } from '../../src/shared/protocol.js'
import type { ImageRecord } from '../../src/types/index.js'
// @ts-expect-error scripts/lib/sample-images.mjs is plain JS
import * as samples from '../../scripts/lib/sample-images.mjs'
import { startRealBackend, type RealBackend } from '../frontend/helpers/real-backend.js'
import { launchChromium } from './launch-chromium.js'

const root = path.resolve(import.meta.dirname, '../..')
const bundleDir = mkdtempSync(path.join(os.tmpdir(), 'pixstore-gallery-bundle-'))
const bundlePath = path.join(bundleDir, 'pixstore-frontend.js')
const generate = (samples as { generateImage(f: string, o: object): Uint8Array }).generateImage

const records = new Map<string, ImageRecord>()
const seen: { method: string; items: number }[] = []

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

async function page(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x')
  const send = (status: number, type: string, body: string | Uint8Array) => res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body)
  if (url.pathname === '/') return void send(200, 'text/html; charset=utf-8', '<!doctype html><meta charset="utf-8"><script type="module" src="/app.js"></script>')
  if (url.pathname === '/app.js') return void send(200, 'text/javascript', readFileSync(path.join(import.meta.dirname, 'fixtures/gallery-page.js')))
  if (url.pathname === '/show-gallery.js') return void send(200, 'text/javascript', readFileSync(path.join(import.meta.dirname, 'fixtures/show-gallery.js')))
  if (url.pathname === '/pixstore-frontend.js') return void send(200, 'text/javascript', readFileSync(bundlePath))
  if (url.pathname === '/api/records') {
    return void send(200, 'application/json', JSON.stringify((url.searchParams.get('ids') ?? '').split(',').map((id) => records.get(id))))
  }
  if (url.pathname === '/img' && req.method === 'POST') {
    const body = JSON.parse(await readBody(req)) as { v: number; items: { id: string; token: number | null; proof: string }[] }
    seen.push({ method: 'POST', items: body.items.length })
    const frames = await Promise.all(body.items.map((item) => customEndpointHelper(item.id, item.token, item.proof)))
    return void send(200, 'application/octet-stream', encodeBatch(frames))
  }
  if (url.pathname.startsWith('/img/') && req.method === 'GET') {
    seen.push({ method: 'GET', items: 1 })
    const frame = await customEndpointHelper(decodeURIComponent(url.pathname.slice(5)), req.headers[TOKEN_HEADER], req.headers[PROOF_HEADER] as string | undefined)
    return void send(200, 'application/octet-stream', frame)
  }
  send(404, 'text/plain', 'not found')
}

let backend: RealBackend
beforeAll(async () => {
  execFileSync(process.execPath, [path.join(root, 'scripts/build-browser.mjs'), '--outfile', bundlePath], { cwd: root })
  backend = await startRealBackend({ fallback: (req, res) => void page(req, res).catch(() => res.writeHead(500).end()) })
})
afterAll(async () => {
  await backend?.close()
  rmSync(bundleDir, { recursive: true, force: true })
})

interface GalleryResults {
  ok: boolean
  error?: string
  images: { ok: boolean; width?: number; height?: number; code?: string }[]
  sameUrl: boolean
  revokedWhileHeld: boolean
  revokedAfterLast: boolean
  sources: (string | null)[]
  entries: number
}

describe('a gallery in Chromium through getImageUrl', () => {
  // One cold load (6 images and one whose proof fails, all misses), then a reload of the 6.
  let cold: GalleryResults & { requests: typeof seen }
  let warm: GalleryResults & { requests: typeof seen }
  beforeAll(async () => {
    const good: string[] = []
    for (let i = 0; i < 6; i++) {
      const record = (await saveImage(generate('png', { width: 20 + i, height: 10 + i, seed: 40 + i })))!
      records.set(record.id, record)
      good.push(record.id)
    }
    const victim = (await saveImage(generate('png', { width: 9, height: 9, seed: 99 })))!
    // a proof that does not verify: the endpoint answers that item InvalidProof, the others Success
    records.set('bad', { ...victim, statelessProof: `${victim.statelessProof!.slice(0, -2)}AA` })
    const browser = await launchChromium()
    try {
      const load = async (ids: string[]) => {
        seen.length = 0
        await browser.page.goto(`${backend.proxy.origin}/?ids=${ids.join(',')}`)
        await browser.page.waitForFunction(() => (window as { __results?: unknown }).__results, undefined, { timeout: 30_000 })
        const r = (await browser.page.evaluate(() => (window as { __results?: unknown }).__results)) as GalleryResults
        if (!r.ok) throw new Error(`${r.error}\n${browser.logs.join('\n')}`)
        return { ...r, requests: [...seen] }
      }
      cold = await load([...good.slice(0, 3), 'bad', ...good.slice(3)])
      warm = await load(good)
    } finally {
      await browser.close()
    }
  })

  it('a batched gallery load makes one request for N misses', () => {
    expect(cold.requests).toEqual([{ method: 'POST', items: 7 }])
    expect(cold.images.filter((i) => i.ok).map((i) => [i.width, i.height])).toEqual([0, 1, 2, 3, 4, 5].map((i) => [20 + i, 10 + i]))
    expect(cold.entries).toBe(6)
  })

  it('one failing item in a batch fails only that image', () => {
    expect(cold.images.map((i) => i.ok)).toEqual([true, true, true, false, true, true, true])
    expect(cold.images[3]!.code).toBe('STATE_INVALID_PROOF')
  })

  it('a reload makes no image request', () => {
    expect(warm.requests).toEqual([])
    expect(warm.images.every((i) => i.ok)).toBe(true)
    expect(warm.sources.every((s) => s === 'hot' || s === 'indexeddb')).toBe(true)
  })

  it('the object URL of an image shown twice is the same, and is revoked after its last release', () => {
    expect(cold.sameUrl).toBe(true)
    expect(cold.revokedWhileHeld).toBe(false)
    expect(cold.revokedAfterLast).toBe(true)
  })
})
