// A client of server.mjs: fetches the records it may see over HTTP, then the images over one
// WebSocket through Pixstore's frontend (decrypted, cached; in a browser the cache is IndexedDB and
// `WebSocket` is the browser's own, so both options below go away).
//
//   node examples/websocket/client.mjs http://127.0.0.1:3000 ticket-ann
import { fileURLToPath } from 'node:url'
import { WebSocket } from 'ws'
import { getImage, initPixstoreFrontend } from 'pixstore/frontend'
import { createWebSocketFetcher } from 'pixstore/frontend/websocket'

/**
 * Loads every image the ticket's user may see; returns their types and sizes.
 * @param {string} origin
 * @param {string} ticket
 */
export async function runExampleClient(origin, ticket) {
  const response = await fetch(`${origin}/records?ticket=${encodeURIComponent(ticket)}`)
  if (!response.ok) throw new Error(`records: HTTP ${response.status}`)
  const records = await response.json()

  const fetcher = createWebSocketFetcher({
    url: `${origin.replace(/^http/, 'ws')}/pixstore-ws?ticket=${encodeURIComponent(ticket)}`,
    WebSocket, // Node only: browsers have one
    timeoutMs: 10_000,
  })
  initPixstoreFrontend({ useIndexedDB: false, errorHandlingMode: 'throw' }, fetcher)
  try {
    // Concurrent misses share the one connection: one request each, answered in any order.
    const blobs = await Promise.all(records.map((/** @type {import('pixstore/types').ImageRecord} */ record) => getImage(record)))
    return blobs.map((blob) => ({ type: blob?.type, bytes: blob?.size }))
  } finally {
    fetcher.close()
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [origin = 'http://127.0.0.1:3000', ticket = 'ticket-ann'] = process.argv.slice(2)
  try {
    for (const image of await runExampleClient(origin, ticket)) console.log(`image ${image.type} ${image.bytes} B`)
  } catch (e) {
    const error = /** @type {Error & { code?: string }} */ (e)
    console.error(`failed: ${error.code ?? ''} ${error.message}`)
    process.exitCode = 1
  }
}
