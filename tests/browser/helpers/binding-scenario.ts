// One Chromium scenario for both framework bindings: the app (tests/browser/fixtures/<name>-app.ts)
// is bundled by esbuild with the real framework from node_modules and served next to the real
// backend endpoint; one browser per file. Each step checks what a user of the binding relies on.
import type http from 'node:http'
import path from 'node:path'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { saveImage, updateImage } from '../../../src/backend/index.js'
import type { ImageRecord } from '../../../src/types/index.js'
// @ts-expect-error scripts/lib/sample-images.mjs is plain JS
import * as samples from '../../../scripts/lib/sample-images.mjs'
import { startRealBackend, type RealBackend } from '../../frontend/helpers/real-backend.js'
import type { Harness, HarnessView } from '../fixtures/binding-harness.js'
import { launchChromium, type LaunchedChromium } from '../launch-chromium.js'

const generate = (samples as { generateImage(f: string, o: object): Uint8Array }).generateImage
const png = (width: number, height: number, seed: number) => generate('png', { width, height, seed })

type HarnessWindow = { harness: Harness }

export function describeBinding(name: 'react' | 'vue'): void {
  let bundle = ''
  let backend: RealBackend
  let browser: LaunchedChromium
  const page = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x')
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      return res.end('<!doctype html><meta charset="utf-8"><div id="app"></div><script type="module" src="/app.js"></script>')
    }
    if (url.pathname === '/app.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle)
    res.writeHead(404).end()
  }
  const harness = <T>(fn: (h: Harness, arg: never) => T | Promise<T>, arg?: unknown): Promise<T> =>
    browser.page.evaluate(
      ([source, a]) => {
        const f = new Function('h', 'a', `return (${source})(h, a)`) as (h: Harness, a: unknown) => unknown
        return f((window as unknown as HarnessWindow).harness, a)
      },
      [fn.toString(), arg] as const,
    ) as Promise<T>
  const read = () => harness((h) => h.read())
  const requests = () => backend.proxy.paths.length
  /** Waits until the <img> shows a decoded blob: image of this width, and returns the page's view. */
  const shownWithWidth = async (width: number): Promise<HarnessView> => {
    await browser.page.waitForFunction(
      (w) => {
        const img = document.querySelector('img')
        return img?.getAttribute('data-pixstore-status') === 'ready' && img.complete && img.naturalWidth === w
      },
      width,
      { timeout: 15_000 },
    )
    return read()
  }
  const revoked = (url: string) => harness((h, u: string) => h.isRevoked(u), url)
  const waitRevoked = async (url: string) => {
    // revoked one macrotask after the last release: poll rather than guess a delay
    await expect.poll(() => revoked(url), { timeout: 5_000 }).toBe(true)
  }
  const openPage = async () => {
    await browser.page.goto(`${backend.proxy.origin}/`)
    await browser.page.waitForFunction(() => (window as unknown as Partial<HarnessWindow>).harness !== undefined, undefined, { timeout: 15_000 })
  }

  describe(`pixstore/${name} in Chromium (${name === 'react' ? 'React 19, StrictMode' : 'Vue 3'})`, () => {
    beforeAll(async () => {
      const result = await build({
        entryPoints: [path.resolve(import.meta.dirname, `../fixtures/${name}-app.ts`)],
        bundle: true,
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        write: false,
        logLevel: 'warning',
        define: {
          'process.env.NODE_ENV': '"development"',
          __VUE_OPTIONS_API__: 'true',
          __VUE_PROD_DEVTOOLS__: 'false',
          __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
        },
      })
      bundle = result.outputFiles[0]!.text
      backend = await startRealBackend({ fallback: page })
      browser = await launchChromium()
      await openPage()
    })
    afterAll(async () => {
      await browser?.close()
      await backend?.close()
    })

    let first: ImageRecord
    let second: ImageRecord
    let firstUrl = ''
    let secondUrl = ''

    it('mount: the placeholder in a box of the image size while loading, then the image, one request', async () => {
      first = (await saveImage(png(48, 32, 1)))!
      expect(first.info?.placeholder).toBeTruthy()
      await harness((h, r: ImageRecord) => h.show(r), first)
      const view = await shownWithWidth(48)
      expect(view.widthAttr).toBe('48')
      expect(view.heightAttr).toBe('32')
      expect(view.src).toMatch(/^blob:/)
      // the hook and the component show the same image: one URL, one request
      expect(view.hookStatus).toBe('ready')
      expect(view.hookUrl).toBe(view.src)
      expect(requests()).toBe(1)
      expect(view.history[0]).toBe('loading:placeholder')
      expect(view.history.at(-1)).toBe('ready:blob')
      expect(view.history.filter((e) => e !== 'loading:placeholder' && e !== 'ready:blob'), browser.logs.join('\n')).toEqual([])
      firstUrl = view.src!
    })

    it('update record: the new version is shown and the old URL is revoked', async () => {
      second = (await updateImage(first.id, png(20, 60, 2)))!
      await harness((h, r: ImageRecord) => h.show(r), second)
      const view = await shownWithWidth(20)
      expect(view.src).not.toBe(firstUrl)
      expect(view.heightAttr).toBe('60')
      // never the old image for the new record: the placeholder, then the new URL
      expect(view.history).toEqual(['loading:placeholder', 'ready:blob'])
      await waitRevoked(firstUrl)
      expect(await harness((h) => h.liveUrls())).toBe(1)
      secondUrl = view.src!
    })

    it('unmount: the URL is revoked, none stays live', async () => {
      await harness((h) => h.unmount())
      await waitRevoked(secondUrl)
      expect(await harness((h) => h.liveUrls())).toBe(0)
    })

    it('cached token: no request on remount (memory) nor after a reload (IndexedDB)', async () => {
      const before = requests()
      await harness((h, r: ImageRecord) => h.show(r), second)
      expect((await shownWithWidth(20)).hookStatus).toBe('ready')
      expect(requests()).toBe(before)
      await harness((h) => h.flush())
      await openPage()
      await harness((h, r: ImageRecord) => h.show(r), second)
      expect((await shownWithWidth(20)).hookUrl).toMatch(/^blob:/)
      expect(requests()).toBe(before)
    })

    it('error: a refused proof shows the error state with its code, the placeholder stays, no URL', async () => {
      const third = (await saveImage(png(30, 30, 3)))!
      const before = requests()
      await harness((h, r: ImageRecord) => h.show(r), { ...third, statelessProof: `${third.statelessProof.slice(0, -4)}AAAA` })
      await browser.page.waitForFunction(() => document.querySelector('output')?.getAttribute('data-status') === 'error', undefined, { timeout: 15_000 })
      await browser.page.waitForFunction(() => document.querySelector('img')?.getAttribute('data-pixstore-status') === 'error')
      const view = await read()
      expect(view.hookCode).toBe('STATE_INVALID_PROOF')
      expect(view.hookUrl).toBeNull()
      expect(view.src).toMatch(/^data:image\/png/)
      expect(requests()).toBe(before + 1)
      await expect.poll(() => harness((h) => h.liveUrls())).toBe(0)
    })

    it('a record changed while its load runs: only the latest is shown, the stale one leaves no URL', async () => {
      const [a, b] = await Promise.all([saveImage(png(33, 11, 4)), saveImage(png(40, 10, 5))])
      await harness(async (h, [x, y]: ImageRecord[]) => {
        await h.show(x!)
        await h.show(y!)
      }, [a!, b!])
      const view = await shownWithWidth(40)
      expect(view.history).not.toContain('ready:placeholder')
      // a's load (aborted, or resolved and released) holds nothing once the grace period passed
      await expect.poll(() => harness((h) => h.liveUrls())).toBe(1)
      expect((await read()).naturalWidth).toBe(40)
    })

    it('unmount while loading: the load is aborted and nothing stays live', async () => {
      const c = (await saveImage(png(12, 12, 6)))!
      await harness(async (h, r: ImageRecord) => {
        await h.show(r)
        h.unmount()
      }, c)
      await expect.poll(() => harness((h) => h.liveUrls())).toBe(0)
      // the page reports errors in 'warn' mode: the abort of our own unmount is not one of them
      expect(browser.logs.filter((l) => /FETCH_ABORTED|abort/i.test(l) || l.startsWith('pageerror'))).toEqual([])
      // the only failures reported: the refused proof of the error step, once per consumer (img + hook)
      const warnings = browser.logs.filter((l) => l.startsWith('console.warn'))
      expect(warnings).toHaveLength(2)
      for (const w of warnings) expect(w).toContain('[pixstore] STATE_INVALID_PROOF')
    })
  })
}
