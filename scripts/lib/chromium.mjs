// Debian's Chromium (/usr/bin/chromium, installed by scripts/test-env/ensure-chromium.sh) through
// playwright-core, for the browser tests (tests/browser/launch-chromium.ts types it) and the browser
// bench: headless, nothing that phones home, and a fresh user-data-dir per launch, so a launch is a
// cold browser (empty HTTP cache, empty IndexedDB) and nothing leaks between runs. Plain JS so that
// `node bench/run.mjs` can import it too.
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
 * A persistent context on a fresh profile, with the page's console lines and errors collected in
 * `logs`. Always `await close()` (in a finally block).
 *
 * @example
 * ```js
 * const browser = await launchFreshChromium()
 * try { await browser.page.goto(url) } finally { await browser.close() }
 * ```
 * @param {{ headless?: boolean }} [options]
 */
export async function launchFreshChromium(options = {}) {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'pixstore-chromium-'))
  let context
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: options.headless ?? true,
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
