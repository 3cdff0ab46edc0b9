// The demo page: the application's side of Pixstore. It asks its own API for ImageRecords, hands
// them to getImage (through getImageWithInfo, which also says what each load cost), and shows the
// wire and cache facts next to the images.
import { clearImageCache, deleteCachedImage, getCacheStats, getImageWithInfo, initPixstoreFrontend } from 'pixstore/frontend'
import { getCodecInfo, initCodec, setCodec } from 'pixstore/codec'
import { describeCachedRecord, readCachedRecord } from './cache-inspector.js'
import { GalleryCard } from './gallery-card.js'
import { createRecordingFetcher } from './wire-recorder.js'

const CODEC_KEY = 'pixstore-demo-codec'
const $ = (selector) => document.querySelector(selector)
/** @type {Map<string, { image: object, record: import('pixstore/frontend').ImageRecord, card: GalleryCard }>} */
const entries = new Map()
let generation = 0

async function api(path, init) {
  const response = await fetch(path, { ...init, headers: { accept: 'application/json', ...init?.headers } })
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: HTTP ${response.status}`)
  return response.json()
}

function setStatus(state, text) {
  const status = $('#status')
  status.dataset.state = state
  status.textContent = text
}

function showCodec() {
  const info = getCodecInfo()
  for (const button of document.querySelectorAll('[data-codec]')) {
    button.setAttribute('aria-pressed', String(button.dataset.codec === info.mode))
  }
  const out = $('#codec-info')
  out.dataset.mode = info.mode
  out.dataset.decoder = info.operations.decodeWirePayload
  out.dataset.wasm = info.wasm.status
  const wasm = info.wasm.status === 'unavailable' ? `unavailable: ${info.wasm.error}` : `${info.wasm.status}, ${info.wasm.moduleBytes} B module`
  out.textContent = `mode ${info.mode}: wire payloads decoded by ${info.operations.decodeWirePayload.toUpperCase()} (WASM ${wasm})`
}

async function showCacheStats() {
  const s = await getCacheStats()
  if (!s) return
  $('#cache-stats').textContent =
    `${s.store}: ${s.entries} images, ${s.bytes.toLocaleString('en')} B of ciphertext · hot tier ${s.hotEntries} images · ` +
    `since page load: ${s.hits} hits (${s.hotHits} hot), ${s.misses} misses, ${s.networkRequests} network requests`
}

async function loadCard(entry) {
  entry.card.loading()
  const codec = getCodecInfo().operations.decodeWirePayload
  try {
    const info = await getImageWithInfo(entry.record)
    if (!info) throw new Error('getImage returned null')
    await entry.card.show(info, codec)
    // An `Updated` answer carried a newer version with its own key; the page's record is stale, so
    // ask the API for the current one (as an app would) and the next load is a cache hit.
    if (info.token !== entry.record.token) entry.record = (await api(`/api/images/${encodeURIComponent(entry.image.id)}`)).record
    return info.source
  } catch (error) {
    entry.card.fail(`${error.code ?? error.name}: ${error.message}`)
    return 'error'
  }
}

async function loadGallery() {
  setStatus('loading', 'Loading records…')
  const list = await api('/api/images')
  for (const item of list) {
    const { record, ...image } = item
    const known = entries.get(image.id)
    if (known) known.record = record
    else entries.set(image.id, { image, record, card: new GalleryCard(image, { onReplace: replace, onInspect: inspect }) })
  }
  $('#gallery').replaceChildren(...[...entries.values()].map((e) => e.card.el))
  setStatus('loading', `Loading ${entries.size} images…`)
  const sources = await Promise.all([...entries.values()].map(loadCard))
  const count = (s) => sources.filter((x) => x === s).length
  // getCacheStats waits for the background cache writes, so "done" below also means "in IndexedDB".
  await showCacheStats()
  generation++
  $('#status').dataset.generation = String(generation)
  const failed = count('error')
  setStatus(
    failed ? 'error' : 'ready',
    `${sources.length} images: ${count('network')} from the network, ${count('indexeddb') + count('memory')} from the cache, ${count('hot')} from the hot tier` +
      (failed ? `, ${failed} failed` : ''),
  )
}

async function replace(card) {
  const entry = entries.get(card.image.id)
  card.replaceButton.disabled = true
  try {
    const result = await api(`/api/images/${encodeURIComponent(card.image.id)}/replace`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    if ($('#keep-stale').checked) {
      // Play a client that still holds the old record but has no cached copy (another device, a
      // cleared cache): it asks with the old token and the endpoint answers `Updated`, carrying the
      // new token and key in the 69-byte header. (With the old copy cached, the old record would
      // still show it: the record the app hands out decides the version.)
      await deleteCachedImage(entry.image.id)
    } else {
      // The new record has the new token and key: the cached old version no longer matches, ever.
      entry.record = result.record
    }
    await loadCard(entry)
    card.el.dataset.replaced = String(result.replaced)
    await showCacheStats()
  } catch (error) {
    card.fail(`replace failed: ${error.message}`)
  } finally {
    card.replaceButton.disabled = false
  }
}

async function inspect(card) {
  const out = $('#cache-record')
  const stored = await readCachedRecord(card.image.id)
  const head = card.blob ? new Uint8Array(await card.blob.slice(0, 16).arrayBuffer()) : new Uint8Array(0)
  const { text, fields } = describeCachedRecord(stored, head)
  out.textContent = `${card.image.name}\n${text}`
  out.dataset.id = card.image.id
  out.dataset.fields = fields.join(',')
}

async function switchCodec(mode) {
  setCodec(mode)
  localStorage.setItem(CODEC_KEY, mode)
  showCodec()
}

function wireControls() {
  for (const button of document.querySelectorAll('[data-codec]')) {
    button.addEventListener('click', () => switchCodec(button.dataset.codec))
  }
  $('#reload-gallery').addEventListener('click', () => loadGallery().catch(reportFatal))
  $('#clear-cache').addEventListener('click', async () => {
    await clearImageCache()
    await loadGallery().catch(reportFatal)
  })
}

function reportFatal(error) {
  setStatus('error', `Error: ${error.message}`)
  console.error(error)
}

async function main() {
  const { endpointBaseUrl } = await api('/api/config')
  initPixstoreFrontend(
    {
      endpointBaseUrl,
      errorHandlingMode: 'throw',
      // A proof expires after a few minutes; a page left open asks its API for a fresh record.
      refreshRecord: async (record) => (await api(`/api/images/${encodeURIComponent(record.id)}`)).record,
    },
    createRecordingFetcher({
      endpointBaseUrl,
      table: $('#wire-log'),
      nameOf: (id) => entries.get(id)?.image.name ?? id,
    }),
  )
  // Compile the WASM module off the main thread once; switching later is then instant.
  await initCodec()
  const saved = localStorage.getItem(CODEC_KEY)
  if (saved === 'wasm' || saved === 'ts' || saved === 'auto') setCodec(saved)
  showCodec()
  wireControls()
  await loadGallery()
}

main().catch(reportFatal)
