// The frontend bundle in Debian's Chromium against our real backend endpoint on 127.0.0.1, under a
// CSP without 'unsafe-eval' (with 'wasm-unsafe-eval' for the codec).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import type http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getImageRecord, saveImage, updateImage } from '../../src/backend/index.js'
// @ts-expect-error scripts/lib/sample-images.mjs is plain JS
import * as samples from '../../scripts/lib/sample-images.mjs'
import { startRealBackend, type RealBackend } from '../frontend/helpers/real-backend.js'
import { launchChromium } from './launch-chromium.js'

const root = path.resolve(import.meta.dirname, '../..')
// A private build of the current sources (dist/ may be stale or being rebuilt by another suite).
const bundleDir = mkdtempSync(path.join(os.tmpdir(), 'pixstore-browser-bundle-'))
const bundlePath = path.join(bundleDir, 'pixstore-frontend.js')
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' blob:; connect-src 'self'"
const generate = (samples as { generateImage(f: string, o: object): Uint8Array }).generateImage

function page(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x')
  const send = (status: number, type: string, body: string | Uint8Array, extra: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...extra }).end(body)
  }
  if (url.pathname === '/') {
    send(200, 'text/html; charset=utf-8', '<!doctype html><meta charset="utf-8"><title>pixstore</title><script type="module" src="/app.js"></script>', {
      'content-security-policy': CSP,
    })
  } else if (url.pathname === '/app.js') {
    send(200, 'text/javascript', readFileSync(path.join(import.meta.dirname, 'fixtures/frontend-page.js')))
  } else if (url.pathname === '/pixstore-frontend.js') {
    send(200, 'text/javascript', readFileSync(bundlePath))
  } else if (url.pathname.startsWith('/api/record/')) {
    void getImageRecord(decodeURIComponent(url.pathname.slice('/api/record/'.length))).then(
      (record) => send(record ? 200 : 404, 'application/json', JSON.stringify(record)),
      () => send(500, 'application/json', 'null'),
    )
  } else {
    send(404, 'text/plain', 'not found')
  }
}

let backend: RealBackend
beforeAll(async () => {
  execFileSync(process.execPath, [path.join(root, 'scripts/build-browser.mjs'), '--outfile', bundlePath], { cwd: root })
  backend = await startRealBackend({ fallback: page })
})
afterAll(async () => {
  await backend?.close()
  rmSync(bundleDir, { recursive: true, force: true })
})

interface PageResults {
  ok: boolean
  error?: string
  source: string
  token: number
  recordToken: number
  type: string
  width: number
  height: number
  wireBytes: number
  store: string
  entries: number
  violations: string[]
  wasm: string
  wasmError?: string
}

describe('pixstore/frontend in Chromium', () => {
  it('renders from the endpoint, then from IndexedDB with zero requests, then the updated version', async () => {
    const v1 = generate('png', { width: 48, height: 32, seed: 1 })
    const v2 = generate('png', { width: 20, height: 60, seed: 2 })
    const record = (await saveImage(v1))!
    const browser = await launchChromium()
    try {
      const url = `${backend.proxy.origin}/?id=${encodeURIComponent(record.id)}`
      const load = async (): Promise<PageResults> => {
        await browser.page.waitForFunction(() => (window as { __results?: unknown }).__results, undefined, { timeout: 15_000 })
        const r = (await browser.page.evaluate(() => (window as { __results?: unknown }).__results)) as PageResults
        expect(r.ok, `${r.error}\n${browser.logs.join('\n')}`).toBe(true)
        expect(r.violations).toEqual([])
        return r
      }

      await browser.page.goto(url)
      const first = await load()
      expect(first).toMatchObject({ source: 'network', type: 'image/png', width: 48, height: 32, store: 'indexeddb', token: record.token })
      expect(first.wireBytes).toBeGreaterThan(v1.length)
      expect(backend.proxy.paths).toHaveLength(1)
      // 'wasm-unsafe-eval' is enough for the codec's embedded module: no fallback to TS was forced
      expect(first.wasm, first.wasmError).toBe('ready')

      await browser.page.reload()
      const second = await load()
      expect(second).toMatchObject({ source: 'indexeddb', width: 48, height: 32 })
      expect(backend.proxy.paths).toHaveLength(1) // zero endpoint requests on reload

      const updated = (await updateImage(record.id, v2))!
      await browser.page.reload()
      const third = await load()
      expect(third).toMatchObject({ source: 'network', width: 20, height: 60, token: updated.token, recordToken: updated.token, entries: 1 })
      expect(backend.proxy.paths).toHaveLength(2)
    } finally {
      await browser.close()
    }
  })
})
