// The roster page: the application's side of Pixstore. It signs in (a JWT kept in memory), asks its
// own API for the roster (ImageRecords scoped to the user, only for what the role may see), and
// hands each record to getImage with a `{ playerId }` context; the custom fetcher reaches the
// app's own image route with the JWT, the proof and the token.
import { acquireObjectUrl, clearImageCache, deleteCachedImage, getImageWithInfo, initPixstoreFrontend } from 'pixstore/frontend'
import { getCodecInfo, initCodec, setCodec } from 'pixstore/codec'
import { wireAccessChecks } from './access-checks.js'
import { createLoadsTable, forgetInspected, inspect, refreshInspected, showCacheStats, showCodec } from './dev-drawer.js'
import { createRosterFetcher, imageTransport } from './image-transport.js'
import { renderPlayers, renderUserList, roleLabel } from './roster-view.js'
import { api, session } from './session.js'
import { createWireLog } from './wire-recorder.js'
import { closeWebSocketTransport, connectWebSocketTransport } from './websocket-transport.js'

const CODEC_KEY = 'pixstore-demo-codec'
const $ = (selector) => document.querySelector(selector)

let roster = null
/** @type {Map<string, import('./image-tile.js').ImageTile>} */
let tiles = new Map()
let generation = 0
const loads = createLoadsTable({ onInspect: (load) => inspect(load) })

function setStatus(state, text) {
  const status = $('#status')
  status.dataset.state = state
  status.textContent = text
}

const describeError = (error) => (error?.cause?.status ? error.cause.message : error?.message ?? String(error))

async function loadTile(tile) {
  if (!tile.record) return 'locked'
  tile.loading()
  const codec = getCodecInfo().operations.decodeWirePayload
  try {
    const info = await getImageWithInfo(tile.record, { playerId: tile.image.playerId }, tile.variant ? { variant: tile.variant } : undefined)
    if (!info) throw new Error('getImage returned null')
    await tile.show(info, codec)
    loads.show({ imageId: tile.image.imageId, variant: tile.variant, title: tile.image.title, info, codec })
    // An `Updated` answer carried a newer version with its own key; the page's record is stale, so
    // ask the API for the current one (as an app would) and the next load is a cache hit.
    if (info.token !== tile.record.token) tile.record = (await api(`/api/images/${encodeURIComponent(tile.image.imageId)}/record`)).record
    return info.source
  } catch (error) {
    tile.fail(describeError(error))
    return 'error'
  }
}

function showSession() {
  const user = session.user
  $('#session').hidden = !user
  $('#sign-in').hidden = Boolean(user)
  $('#roster').hidden = !user
  $('#access').hidden = !user
  if (!user) return
  $('#session-name').textContent = user.name
  const role = $('#session-role')
  role.textContent = roleLabel(user.role)
  role.className = `role role-${user.role}`
  document.body.dataset.role = user.role
}

function rosterNote(user) {
  if (user.role === 'coach') return "As the coach you see every player's avatar and private photos."
  if (user.role === 'player') return "You see everyone's avatar and your own private photos; other players' photos stay locked."
  return 'As a guest you see avatars only; every private photo stays locked.'
}

async function loadRoster() {
  setStatus('loading', 'Loading the roster…')
  roster = await api('/api/roster')
  const user = session.user
  $('#team-name').textContent = roster.team.name
  $('#roster-note').textContent = rosterNote(user)
  for (const tile of tiles.values()) tile.release()
  const list = renderPlayers($('#players'), roster, openViewer)
  tiles = new Map(list.map((tile) => [tile.image.imageId, tile]))
  const visible = list.filter((tile) => tile.record)
  setStatus('loading', `Loading ${visible.length} images…`)
  const sources = await Promise.all(visible.map(loadTile))
  const count = (s) => sources.filter((x) => x === s).length
  // getCacheStats waits for the background cache writes, so "done" below also means "in IndexedDB".
  await showCacheStats()
  generation++
  $('#status').dataset.generation = String(generation)
  const failed = count('error')
  const locked = list.length - visible.length
  setStatus(
    failed ? 'error' : 'ready',
    `${visible.length} images: ${count('network')} downloaded, ${count('indexeddb') + count('memory') + count('hot')} from this browser's cache` +
      (locked ? `, ${locked} private photos locked` : '') +
      (failed ? `, ${failed} failed` : ''),
  )
}

async function signIn(user) {
  try {
    setStatus('loading', `Signing in as ${user.name}…`)
    await session.signIn(user.id)
    showSession()
    await loadRoster()
  } catch (error) {
    reportFatal(error)
  }
}

async function signOut() {
  // Signing out empties both cache tiers and forgets every key: the next user of this browser
  // starts from nothing, whatever the previous one could see.
  session.signOut()
  closeWebSocketTransport()
  for (const tile of tiles.values()) tile.release()
  tiles = new Map()
  roster = null
  await clearImageCache()
  loads.clear()
  forgetInspected()
  $('#players').replaceChildren()
  $('#access-log').replaceChildren()
  delete document.body.dataset.role
  showSession()
  await showCacheStats()
  setStatus('signed-out', 'Signed out. The image cache was emptied.')
}

// ---------- viewer (the original, on demand) ----------
let viewing = null
let viewerHandle = null

async function openViewer(tile) {
  viewing = tile
  const dialog = $('#viewer')
  const player = roster.players.find((p) => p.id === tile.image.playerId)
  $('#viewer-title').textContent = tile.image.title
  $('#viewer-sub').textContent = `${player.name} · #${player.number}`
  $('#viewer-replace').hidden = !tile.canReplace
  const img = $('#viewer-img')
  img.removeAttribute('src')
  dialog.dataset.state = 'loading'
  if (!dialog.open) dialog.showModal()
  await showInViewer(tile)
}

async function showInViewer(tile) {
  const dialog = $('#viewer')
  const img = $('#viewer-img')
  // The original, on demand: the list only ever fetched the thumbnail.
  const codec = getCodecInfo().operations.decodeWirePayload
  const info = await getImageWithInfo(tile.record, { playerId: tile.image.playerId }).catch(() => null)
  if (viewing !== tile) return
  if (!info) {
    dialog.dataset.state = 'error'
    return
  }
  loads.show({ imageId: tile.image.imageId, title: tile.image.title, info, codec })
  const previous = viewerHandle
  viewerHandle = acquireObjectUrl(info.blob)
  img.src = viewerHandle.url
  previous?.release()
  await img.decode().catch(() => {})
  dialog.dataset.state = 'loaded'
  dialog.dataset.token = String(info.token)
  dialog.dataset.source = info.source
  dialog.dataset.naturalWidth = String(img.naturalWidth)
}

function closeViewer() {
  $('#viewer').close()
}

function viewerClosed() {
  viewing = null
  $('#viewer-img').removeAttribute('src')
  viewerHandle?.release()
  viewerHandle = null
}

async function replace(tile) {
  const button = $('#viewer-replace')
  button.disabled = true
  try {
    const result = await api(`/api/images/${encodeURIComponent(tile.image.imageId)}/replace`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    if ($('#keep-stale').checked) {
      // Play a client that still holds the old record but has no cached copy (another device, a
      // cleared cache): it asks with the old token and the server answers `Updated`, carrying the
      // new token and key in the 69-byte header. (With the old copy cached, the old record would
      // still show it: the record the app hands out decides the version.)
      await deleteCachedImage(tile.image.imageId)
    } else {
      // The new record has the new token and key: the cached old version no longer matches, ever.
      tile.record = result.record
    }
    await loadTile(tile)
    tile.el.dataset.replaced = String(result.replaced)
    if (viewing === tile) await showInViewer(tile)
    await showCacheStats()
  } catch (error) {
    tile.fail(`replace failed: ${describeError(error)}`)
  } finally {
    button.disabled = false
  }
}

// ---------- developer drawer ----------
function toggleDrawer(open) {
  const drawer = $('#dev-drawer')
  drawer.hidden = !open
  $('#dev-toggle').setAttribute('aria-expanded', String(open))
  document.body.classList.toggle('drawer-open', open)
}

async function switchTransport(name) {
  const info = $('#transport-info')
  try {
    if (name === 'websocket' && !imageTransport.available('websocket')) await connectWebSocketTransport(imageTransport)
    imageTransport.use(name)
    for (const button of document.querySelectorAll('[data-transport]')) button.setAttribute('aria-pressed', String(button.dataset.transport === name))
    info.textContent =
      name === 'websocket'
        ? 'Images come over one WebSocket: the same JWT, proofs and tokens, the same wire payloads.'
        : 'Images come from GET /player-image/:playerId/:imageId.'
    info.dataset.transport = name
  } catch (error) {
    info.textContent = `WebSocket unavailable: ${error.message}`
  }
}

function wireControls() {
  $('#sign-out').addEventListener('click', () => signOut().catch(reportFatal))
  $('#dev-toggle').addEventListener('click', () => toggleDrawer($('#dev-drawer').hidden))
  $('#dev-close').addEventListener('click', () => toggleDrawer(false))
  $('#viewer-close').addEventListener('click', closeViewer)
  $('#viewer').addEventListener('close', viewerClosed)
  $('#viewer-replace').addEventListener('click', () => viewing && replace(viewing))
  for (const button of document.querySelectorAll('[data-codec]')) {
    button.addEventListener('click', () => {
      setCodec(button.dataset.codec)
      localStorage.setItem(CODEC_KEY, button.dataset.codec)
      showCodec()
    })
  }
  for (const button of document.querySelectorAll('[data-transport]')) button.addEventListener('click', () => switchTransport(button.dataset.transport))
  $('#reload-roster').addEventListener('click', () => (session.user ? loadRoster().catch(reportFatal) : undefined))
  $('#clear-cache').addEventListener('click', async () => {
    await clearImageCache()
    loads.clear()
    await refreshInspected()
    await showCacheStats()
    if (session.user) await loadRoster().catch(reportFatal)
    await refreshInspected()
  })
  wireAccessChecks({ roster: () => roster, log: $('#access-log') })
}

function reportFatal(error) {
  setStatus('error', `Error: ${describeError(error)}`)
  console.error(error)
}

async function main() {
  const wireLog = createWireLog($('#wire-log'), (id) => tiles.get(id)?.image.title ?? id)
  initPixstoreFrontend(
    {
      errorHandlingMode: 'throw',
      // A proof expires after a few minutes; a page left open asks its API for a fresh record.
      refreshRecord: async (record) => (await api(`/api/images/${encodeURIComponent(record.id)}/record`)).record,
    },
    createRosterFetcher(wireLog),
  )
  // Compile the WASM module off the main thread once; switching later is then instant.
  await initCodec()
  const saved = localStorage.getItem(CODEC_KEY)
  if (saved === 'wasm' || saved === 'ts' || saved === 'auto') setCodec(saved)
  showCodec()
  wireControls()
  renderUserList($('#user-list'), await api('/api/users'), signIn)
  showSession()
  await showCacheStats()
  setStatus('signed-out', 'Sign in to see the roster.')
}

main().catch(reportFatal)
