// Launches Debian's Chromium (/usr/bin/chromium, installed by scripts/test-env/ensure-chromium.sh)
// through playwright-core: headless, a throwaway profile, nothing that phones home. Reusable by any
// suite that needs a real browser (frontend, demo).
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

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

export interface LaunchedChromium {
  context: BrowserContext
  page: Page
  /** Console lines and page errors seen so far, for assertion messages. */
  logs: string[]
  close(): Promise<void>
}

/**
 * A persistent context on a fresh user-data-dir (so IndexedDB survives reloads within the test and
 * nothing leaks between runs). Always `await close()` in a finally block.
 *
 * @example
 * ```ts
 * const browser = await launchChromium()
 * try { await browser.page.goto(url) } finally { await browser.close() }
 * ```
 */
export async function launchChromium(options: { headless?: boolean } = {}): Promise<LaunchedChromium> {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'pixstore-chromium-'))
  let context: BrowserContext
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
  const logs: string[] = []
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
