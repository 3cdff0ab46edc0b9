// Typed access to scripts/lib/chromium.mjs, the one Chromium launcher the browser tests and the
// browser bench share (same executable, same arguments, a fresh profile per launch).
import type { BrowserContext, Page } from 'playwright-core'
// @ts-expect-error plain .mjs module without a declaration file
import * as chromium from '../../scripts/lib/chromium.mjs'

export const CHROMIUM_PATH: string = chromium.CHROMIUM_PATH
export const CHROMIUM_ARGS: readonly string[] = chromium.CHROMIUM_ARGS

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
export const launchChromium: (options?: { headless?: boolean }) => Promise<LaunchedChromium> = chromium.launchFreshChromium
