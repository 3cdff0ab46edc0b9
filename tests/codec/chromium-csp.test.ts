// The codec bundle in Debian's Chromium: on the main thread, under a CSP with 'wasm-unsafe-eval'
// (no 'unsafe-eval') the WASM codec compiles synchronously (module < 4 KiB) and agrees with TS;
// under a CSP without it, setCodec('wasm') throws CODEC_UNAVAILABLE (an explicit request is never served
// by TS in secret) and `auto` falls back to TS with exactly one warning. The page loads a bundle whose
// auto table gives every operation to WASM, so the fallback shows whatever the last benchmark decided.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, type LaunchedChromium } from '../browser/launch-chromium.js'
import { CODEC_OPERATIONS } from '../../src/codec/selection.js'
import { buildCodecBrowserBundle } from './codec-browser-bundle.js'


// Runs in the page: loading must compile nothing; then every operation under 'auto' (all WASM by
// this bundle's table), 'wasm' and 'ts', results as plain data.
const APP = `
const c = window.PixstoreCodec
const hex = (u) => Array.from(u, (b) => b.toString(16).padStart(2, '0')).join('')
const out = { modes: {}, statusAtLoad: c.getCodecInfo().wasm.status, setWasmError: null }
for (const mode of ['auto', 'wasm', 'ts']) {
  try { c.setCodec(mode) } catch (e) { out.setWasmError = e.code + ' ' + c.getCodec(); continue }
  const ciphertext = new Uint8Array(1024).map((_, i) => (i * 7) & 255)
  const header = { token: 2 ** 53 - 1, key: new Uint8Array(32).fill(1), iv: new Uint8Array(12).fill(2), tag: new Uint8Array(16).fill(3) }
  const { frame, body } = c.createFrame(header, ciphertext.length)
  body.set(ciphertext)
  const p = c.decodeWirePayload(frame)
  let code = null
  try { c.decodeWirePayload(frame.subarray(0, 68)) } catch (e) { code = e.code }
  out.modes[mode] = {
    operations: c.getCodecInfo().operations,
    frame: hex(frame.subarray(0, 80)),
    token: p.token,
    ciphertextOk: hex(p.ciphertext) === hex(ciphertext),
    truncatedCode: code,
    macEqual: c.constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3])),
    macDiffer: c.constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4])),
    tokens: c.tokensEqual(5, 5),
    batch: c.decodeBatch(c.encodeBatch([frame, new Uint8Array([2])]), 2).map((p) => p.state),
  }
}
out.wasm = c.getCodecInfo().wasm
window.__results = out
`

let bundle = ''
let server: http.Server
let base = ''
beforeAll(async () => {
  bundle = (await buildCodecBrowserBundle({ autoAllWasm: true })).text
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const csp = url.searchParams.get('wasm') === '1' ? "script-src 'self' 'wasm-unsafe-eval'" : "script-src 'self'"
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': `default-src 'self'; ${csp}` })
      res.end('<!doctype html><meta charset="utf-8"><script src="/codec.js"></script><script src="/app.js"></script>')
    } else if (url.pathname === '/codec.js' || url.pathname === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' })
      res.end(url.pathname === '/codec.js' ? bundle : APP)
    } else {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve))
})

async function runPage(wasmAllowed: boolean) {
  const browser: LaunchedChromium = await launchChromium()
  try {
    await browser.page.goto(`${base}/?wasm=${wasmAllowed ? 1 : 0}`)
    await browser.page.waitForFunction(() => (window as { __results?: unknown }).__results, undefined, { timeout: 20_000 })
    const results = await browser.page.evaluate(() => (window as unknown as { __results: any }).__results)
    return { results, logs: [...browser.logs] }
  } finally {
    await browser.close()
  }
}

describe('pixstore/codec in Chromium under a Content-Security-Policy', () => {
  it("with 'wasm-unsafe-eval': WASM compiles on the main thread and both codecs agree", async () => {
    const { results, logs } = await runPage(true)
    expect(results.statusAtLoad).toBe('not-loaded')
    expect(results.wasm.status, logs.join('\n')).toBe('ready')
    expect(results.setWasmError).toBeNull()
    expect(Object.values(results.modes.auto.operations)).toEqual(Array(CODEC_OPERATIONS.length).fill('wasm'))
    expect(Object.values(results.modes.wasm.operations)).toEqual(Array(CODEC_OPERATIONS.length).fill('wasm'))
    expect(Object.values(results.modes.ts.operations)).toEqual(Array(CODEC_OPERATIONS.length).fill('ts'))
    for (const mode of ['auto', 'wasm', 'ts']) {
      expect(results.modes[mode]).toMatchObject({
        token: 2 ** 53 - 1,
        ciphertextOk: true,
        truncatedCode: 'WIRE_TRUNCATED',
        macEqual: true,
        macDiffer: false,
        tokens: true,
        batch: [1, 2],
      })
      expect(results.modes[mode].frame.slice(0, 18)).toBe('01ffffffffffff1f00')
    }
    expect(results.modes.wasm.frame).toBe(results.modes.ts.frame)
    expect(logs.filter((l) => l.startsWith('console.warn') || l.startsWith('pageerror'))).toEqual([])
  })

  it("without 'wasm-unsafe-eval': setCodec('wasm') throws CODEC_UNAVAILABLE; auto serves everything by TS, with exactly one warning", async () => {
    const { results, logs } = await runPage(false)
    expect(results.statusAtLoad).toBe('not-loaded')
    expect(results.wasm.status).toBe('unavailable')
    expect(results.setWasmError).toBe('CODEC_UNAVAILABLE auto')
    expect(results.modes.wasm).toBeUndefined()
    expect(Object.values(results.modes.auto.operations)).toEqual(Array(CODEC_OPERATIONS.length).fill('ts'))
    expect(results.modes.auto).toMatchObject({ token: 2 ** 53 - 1, ciphertextOk: true, truncatedCode: 'WIRE_TRUNCATED', batch: [1, 2] })
    const warnings = logs.filter((l) => l.includes('[pixstore]'))
    expect(warnings, logs.join('\n')).toHaveLength(1)
    expect(warnings[0]).toContain('TypeScript codec')
  })
})
