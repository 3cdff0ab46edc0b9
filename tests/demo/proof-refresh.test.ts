// A page left open longer than a proof lives: its next network load is refused (InvalidProof), the
// page's refreshRecord hook asks the roster API for a fresh record (with the same JWT), and the
// image still arrives.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect, it } from 'vitest'
import { launchChromium } from '../browser/launch-chromium.js'
import { startDemo } from './demo-process.js'

const TTL_MS = 1500

it('an expired proof is refreshed through the roster API and the image still loads', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pixstore-demo-ttl-'))
  const demo = await startDemo({ PIXSTORE_DEMO_DATA_DIR: dataDir, PIXSTORE_DEMO_PORT: '0', PIXSTORE_DEMO_PROOF_TTL_MS: String(TTL_MS) })
  const browser = await launchChromium().catch(async (error) => {
    await demo.stop()
    throw error
  })
  const page = browser.page
  try {
    await page.goto(demo.info.pageUrl)
    await page.click('.user-choice[data-user-id="coach-dana"]')
    await page.waitForSelector('#status[data-generation="1"][data-state="ready"]', { timeout: 20_000 })
    const id = (await page.getAttribute('.tile-photo', 'data-image-id'))!
    const before = Number(await page.getAttribute(`.tile[data-image-id="${id}"]`, 'data-token'))
    await page.waitForTimeout(TTL_MS + 1000)
    // The page keeps its old record (proof now expired) and drops its cached copy: a network load.
    await page.click('#dev-toggle')
    await page.check('#keep-stale')
    await page.click('#dev-close')
    await page.click(`.tile[data-image-id="${id}"]`)
    await page.click('#viewer-replace')
    await page.waitForSelector(`.tile[data-image-id="${id}"][data-replaced="1"]`, { timeout: 20_000 })
    const log = browser.logs.join('\n') + '\n' + demo.output()
    expect(await page.getAttribute(`.tile[data-image-id="${id}"]`, 'data-state'), log).toBe('loaded')
    expect(Number(await page.getAttribute(`.tile[data-image-id="${id}"]`, 'data-token'))).toBeGreaterThan(before)
    // The thumbnail's requests (the open viewer fetches the original beside them).
    const states = await page.$$eval('#wire-log tbody tr', (rows) =>
      rows.filter((r) => r.children[0]!.textContent!.endsWith('(thumb)')).slice(0, 2).map((r) => r.children[4]!.textContent),
    )
    // Newest first: the refused attempt, then the retry with the refreshed record.
    expect(states, log).toEqual(['0 Success', '5 InvalidProof'])
  } finally {
    await browser.close()
    expect(await demo.stop()).toBe(0)
    rmSync(dataDir, { recursive: true, force: true })
  }
})
