// Debian's Chromium through playwright-core for the browser bench, launched exactly as the browser
// tests do (tests/browser/launch-chromium.ts: same executable, same args; that file is TypeScript,
// which plain `node` cannot import, hence this twin). Each launch gets its own user-data-dir, so a
// launch is a cold browser: empty HTTP cache, empty IndexedDB.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium } from 'playwright-core'

export const CHROMIUM_PATH = process.env.PIXSTORE_CHROMIUM ?? '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--no-sandbox', // root in a container: the setuid sandbox is unavailable
  '--disable-gpu',
  '--disable-dev-shm-usage', // small /dev/shm in containers
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--no-first-run',
  '--mute-audio',
]

/**
 * A headless persistent context on a fresh profile. Always `await close()` (in a finally block).
 *
 * @example
 * ```js
 * const browser = await launchFreshChromium()
 * try { await browser.page.goto(url) } finally { await browser.close() }
 * ```
 */
export async function launchFreshChromium() {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'pixstore-bench-chromium-'))
  let context
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 30_000,
    })
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true })
    throw error
  }
  const page = context.pages()[0] ?? (await context.newPage())
  const logs = []
  page.on('console', (m) => logs.push(`console.${m.type()}: ${m.text()}`))
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`))
  return {
    context,
    page,
    logs,
    async close() {
      try {
        await context.close()
      } finally {
        rmSync(userDataDir, { recursive: true, force: true })
      }
    },
  }
}
