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

/** The loads table: one row per image, replaced on each load of that image. */
export function createLoadsTable({ onInspect }) {
  const body = $('#loads').tBodies[0]
  const rows = new Map()
  return {
    clear() {
      rows.clear()
      body.replaceChildren()
    },
    show(tile, info, codec) {
      let row = rows.get(tile.image.imageId)
      if (!row) {
        row = document.createElement('tr')
        rows.set(tile.image.imageId, row)
        body.append(row)
      }
      const decodedHere = info.source === 'network'
      const cells = [
        tile.image.title,
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
      row.dataset.imageId = tile.image.imageId
      row.dataset.source = info.source
      const td = document.createElement('td')
      const inspect = document.createElement('button')
      inspect.type = 'button'
      inspect.className = 'inspect small'
      inspect.textContent = 'Inspect'
      inspect.addEventListener('click', () => onInspect(tile))
      td.append(inspect)
      row.append(td)
    },
  }
}

let inspected = null

/** Shows the raw IndexedDB record of `tile`'s image; `refreshInspected` re-reads it (after a clear). */
export async function inspect(tile) {
  inspected = tile
  const out = $('#cache-record')
  const stored = await readCachedRecord(tile.image.imageId)
  const head = tile.blob ? new Uint8Array(await tile.blob.slice(0, 16).arrayBuffer()) : new Uint8Array(0)
  const { text, fields } = describeCachedRecord(stored, head)
  out.textContent = `${tile.image.title}\n${text}`
  out.dataset.id = tile.image.imageId
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
