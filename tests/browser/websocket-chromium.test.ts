// Images over WebSocket in Chromium: a page's frontend with createWebSocketFetcher loads images from a
// real `ws` server running serveImagesOverWebSocket on our backend (the browser's own WebSocket,
// multiplexed on one connection), a refused proof fails only its image, and a reload shows them
// from the cache without opening a connection or sending a request.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import { serveImagesOverWebSocket } from '../../src/backend/adapters/websocket.js'
import { saveImage } from '../../src/backend/index.js'
import type { ServedEvent } from '../../src/backend/serve/serve-hooks.js'
import type { ImageRecord } from '../../src/types/index.js'
import { makeTempDir, removeDir, startBackend, stopBackend } from '../helpers/backend-fixture.js'
import { generateImage } from '../helpers/sample-images.js'
import { launchChromium } from './launch-chromium.js'

const root = path.resolve(import.meta.dirname, '../..')
const bundleDir = mkdtempSync(path.join(os.tmpdir(), 'pixstore-ws-bundle-'))
const bundlePath = path.join(bundleDir, 'pixstore-frontend-ws.js')
const records = new Map<string, ImageRecord>()
const events: ServedEvent[] = []
let connections = 0
let imageHttpRequests = 0
let dataDir: string
let server: http.Server
let origin: string

beforeAll(async () => {
  // The frontend and the WebSocket fetcher in one bundle, as an application's bundler would make it.
  const result = await build({
    stdin: {
      contents: "export * from './src/frontend/index.ts'\nexport * from './src/frontend/fetch/websocket-fetcher.ts'\n",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'warning',
  })
  writeFileSync(bundlePath, result.outputFiles[0]!.text)
  dataDir = await makeTempDir('ws-chromium')
  await startBackend(dataDir)
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    const send = (status: number, type: string, body: string | Uint8Array) => res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body)
    if (url.pathname === '/') return send(200, 'text/html; charset=utf-8', '<!doctype html><meta charset="utf-8"><script type="module" src="/app.js"></script>')
    if (url.pathname === '/app.js') return send(200, 'text/javascript', readFileSync(path.join(import.meta.dirname, 'fixtures/websocket-page.js')))
    if (url.pathname === '/show-gallery.js') return send(200, 'text/javascript', readFileSync(path.join(import.meta.dirname, 'fixtures/show-gallery.js')))
    if (url.pathname === '/pixstore-frontend-ws.js') return send(200, 'text/javascript', readFileSync(bundlePath))
    if (url.pathname === '/api/records') return send(200, 'application/json', JSON.stringify((url.searchParams.get('ids') ?? '').split(',').map((id) => records.get(id))))
    if (url.pathname !== '/favicon.ico') imageHttpRequests++
    send(404, 'text/plain', 'not found')
  })
  const wss = new WebSocketServer({ server, path: '/pixstore-ws', maxPayload: 4096 })
  wss.on('connection', () => connections++)
  serveImagesOverWebSocket(wss, { onServed: (e) => events.push(e) })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`
})
afterAll(async () => {
  server?.closeAllConnections()
  await new Promise((r) => server?.close(r))
  await stopBackend()
  await removeDir(dataDir)
  rmSync(bundleDir, { recursive: true, force: true })
})

interface PageResults {
  ok: boolean
  error?: string
  images: { ok: boolean; width?: number; height?: number; code?: string }[]
  sources: (string | null)[]
  entries: number
}

describe('images over WebSocket in Chromium', () => {
  let cold: PageResults & { served: number; connections: number }
  let warm: PageResults & { served: number; connections: number }
  beforeAll(async () => {
    const good: string[] = []
    for (let i = 0; i < 5; i++) {
      const record = (await saveImage(generateImage('png', { width: 20 + i, height: 10 + i, seed: 70 + i })))!
      records.set(record.id, record)
      good.push(record.id)
    }
    const victim = (await saveImage(generateImage('png', { width: 9, height: 9, seed: 99 })))!
    records.set('bad', { ...victim, statelessProof: `${victim.statelessProof.slice(0, -2)}AA` })
    const browser = await launchChromium()
    try {
      const load = async (ids: string[]) => {
        const served = events.length
        const opened = connections
        await browser.page.goto(`${origin}/?ids=${ids.join(',')}`)
        await browser.page.waitForFunction(() => (window as { __results?: unknown }).__results, undefined, { timeout: 30_000 })
        const r = (await browser.page.evaluate(() => (window as { __results?: unknown }).__results)) as PageResults
        if (!r.ok) throw new Error(`${r.error}\n${browser.logs.join('\n')}`)
        return { ...r, served: events.length - served, connections: connections - opened }
      }
      cold = await load([...good.slice(0, 2), 'bad', ...good.slice(2)])
      warm = await load(good)
    } finally {
      await browser.close()
    }
  })

  it('loads every image over one WebSocket connection, one request per image', () => {
    expect(cold.images.filter((i) => i.ok).map((i) => [i.width, i.height])).toEqual([0, 1, 2, 3, 4].map((i) => [20 + i, 10 + i]))
    expect(cold.served).toBe(6)
    expect(cold.connections).toBe(1)
    expect(events.every((e) => e.transport === 'websocket')).toBe(true)
    expect(imageHttpRequests).toBe(0)
  })

  it('a refused proof fails only its image, with STATE_INVALID_PROOF', () => {
    expect(cold.images.map((i) => i.ok)).toEqual([true, true, false, true, true, true])
    expect(cold.images[2]!.code).toBe('STATE_INVALID_PROOF')
    expect(cold.entries).toBe(5)
  })

  it('a reload shows the images from the cache: no request, no connection', () => {
    expect(warm.images.map((i) => i.ok)).toEqual([true, true, true, true, true])
    expect(warm.sources.every((s) => s === 'hot' || s === 'indexeddb')).toBe(true)
    expect(warm.served).toBe(0)
    expect(warm.connections).toBe(0)
  })
})
