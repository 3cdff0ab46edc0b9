// The developer drawer: codec switch, cache statistics, one row per image load (source, wire bytes,
// decode and decrypt time) and the raw IndexedDB record of an image.
import { getCacheStats } from 'pixstore/frontend'
import { getCodecInfo } from 'pixstore/codec'
import { describeCachedRecord, readCachedRecord } from './cache-inspector.js'

const $ = (selector) => document.querySelector(selector)
// Without cross-origin isolation browsers round performance.now() to 0.1 ms: say so rather than print 0.
const ms = (n) => (n < 0.1 ? '< 0.1 ms' : `${n.toFixed(2)} ms`)

export function showCodec() {
  const info = getCodecInfo()
  for (const button of document.querySelectorAll('[data-codec]')) button.setAttribute('aria-pressed', String(button.dataset.codec === info.mode))
  const out = $('#codec-info')
  out.dataset.mode = info.mode
  out.dataset.decoder = info.operations.decodeWirePayload
  out.dataset.wasm = info.wasm.status
  const wasm = info.wasm.status === 'unavailable' ? `unavailable: ${info.wasm.error}` : `${info.wasm.status}, ${info.wasm.moduleBytes.toLocaleString('en')} B module`
  out.textContent = `Mode ${info.mode}: wire payloads decoded by ${info.operations.decodeWirePayload.toUpperCase()} (WASM ${wasm}).`
}

export async function showCacheStats() {
  const s = await getCacheStats()
  if (!s) return
  const out = $('#cache-stats')
  out.textContent =
    `${s.store}: ${s.entries} images, ${s.bytes.toLocaleString('en')} B of ciphertext · hot tier ${s.hotEntries} images · ` +
    `since page load: ${s.hits} hits (${s.hotHits} hot), ${s.misses} misses, ${s.networkRequests} network requests` +
    (s.cacheWriteErrors ? ` · ${s.cacheWriteErrors} cache writes failed` : '')
  out.dataset.entries = String(s.entries)
  out.dataset.writeErrors = String(s.cacheWriteErrors)
}

/** What a load's decrypt column says: a hot-tier hit kept the decrypted Blob and decrypted nothing. */
export function decryptText(info) {
  return info.source === 'hot' ? '— (kept decrypted)' : ms(info.decryptMs)
}

/** What a load's decode column says: only a network answer has a wire payload to decode. */
export function decodeText(info) {
  return info.source === 'network' ? ms(info.decodeMs) : '— (no wire payload)'
}

/** The cache slot of an image's variant, as the frontend keys it (`${id}@${variant}`; the id for the original). */
export const slotOf = (imageId, variant) => (variant ? `${imageId}@${variant}` : imageId)

/**
 * The loads table: one row per cache slot (an image's thumbnail, its original), replaced on each load.
 * @param {{ onInspect: (load: { slot: string, title: string, blob: Blob }) => void }} handlers
 */
export function createLoadsTable({ onInspect }) {
  const body = $('#loads').tBodies[0]
  const rows = new Map()
  return {
    clear() {
      rows.clear()
      body.replaceChildren()
    },
    /** @param {{ imageId: string, variant?: string, title: string, info: import('pixstore/frontend').ImageWithInfo, codec: string }} load */
    show({ imageId, variant, title, info, codec }) {
      const slot = slotOf(imageId, variant)
      let row = rows.get(slot)
      if (!row) {
        row = document.createElement('tr')
        rows.set(slot, row)
        body.append(row)
      }
      const decodedHere = info.source === 'network'
      const cells = [
        `${title} (${variant ?? 'original'})`,
        info.source,
        `${info.wireBytes.toLocaleString('en')} B`,
        decodeText(info),
        decryptText(info),
        decodedHere ? codec : '— (cache hit)',
        String(info.token),
      ]
      row.replaceChildren(
        ...cells.map((text, i) => {
          const td = document.createElement('td')
          td.textContent = text
          if (i === 1) td.className = `source-${info.source}`
          return td
        }),
      )
      row.dataset.imageId = imageId
      row.dataset.variant = variant ?? ''
      row.dataset.source = info.source
      row.dataset.wireBytes = String(info.wireBytes)
      const td = document.createElement('td')
      const button = document.createElement('button')
      button.type = 'button'
      button.className = 'inspect small'
      button.textContent = 'Inspect'
      button.addEventListener('click', () => onInspect({ slot, title: `${title} (${variant ?? 'original'})`, blob: info.blob }))
      td.append(button)
      row.append(td)
    },
  }
}

let inspected = null

/** Shows the raw IndexedDB record of one cache slot; `refreshInspected` re-reads it (after a clear). */
export async function inspect(load) {
  inspected = load
  const out = $('#cache-record')
  const stored = await readCachedRecord(load.slot)
  const head = new Uint8Array(await load.blob.slice(0, 16).arrayBuffer())
  const { text, fields } = describeCachedRecord(stored, head)
  out.textContent = `${load.title}\n${text}`
  out.dataset.id = load.slot
  out.dataset.fields = fields.join(',')
  out.dataset.cached = String(stored !== null)
}

export async function refreshInspected() {
  if (inspected) await inspect(inspected)
}

export function forgetInspected() {
  inspected = null
  const out = $('#cache-record')
  out.textContent = 'Nothing inspected yet.'
  delete out.dataset.id
  delete out.dataset.fields
  delete out.dataset.cached
}
