// Serving Pixstore images over WebSocket: one HTTP server for the app's JSON (the records a signed-in
// user may see) and a `ws` WebSocketServer on it for the images, through serveImagesOverWebSocket.
// The connection is authorised once from its upgrade request (a ticket in the query: a browser
// WebSocket cannot send headers), and every proof it presents must carry that user's scope.
//
//   node examples/websocket/server.mjs          # PORT=3000 by default
import http from 'node:http'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import { WebSocketServer } from 'ws'
import { closePixstoreBackend, getImageRecord, initPixstoreBackend, saveImage } from 'pixstore/backend'
import { serveImagesOverWebSocket } from 'pixstore/backend/websocket'

// Demo sign-in: a ticket per user. A real app issues a short-lived ticket or JWT after its login.
const USERS = new Map([
  ['ticket-ann', 'ann'],
  ['ticket-bob', 'bob'],
])

/** @param {string | undefined} url */
const userOf = (url) => USERS.get(new URL(url ?? '/', 'http://x').searchParams.get('ticket') ?? '')

/** A small generated photo (so the example needs no image files). @param {number} seed */
const photo = (seed) =>
  sharp({ create: { width: 64 + seed, height: 48, channels: 3, background: { r: 40 * seed, g: 120, b: 200 - 30 * seed } } }).png().toBuffer()

/**
 * Starts the example on `port` (0: any free port) with its data in `dataDir`.
 * @param {{ port?: number, dataDir?: string }} [options]
 * @returns {Promise<{ origin: string, close(): Promise<void> }>}
 */
export async function startExampleServer({ port = 3000, dataDir = '.pixstore-websocket-example' } = {}) {
  await initPixstoreBackend({ dataDir, defaultEndpointEnabled: false })
  /** @type {string[]} */
  const ids = []
  for (const seed of [1, 2]) {
    const record = await saveImage(await photo(seed))
    if (record) ids.push(record.id)
  }

  const server = http.createServer(async (req, res) => {
    const user = userOf(req.url)
    if (!req.url?.startsWith('/records')) return void res.writeHead(404).end()
    if (!user) return void res.writeHead(401).end()
    // Records scoped to the user: their proofs are refused on anyone else's connection.
    const records = await Promise.all(ids.map((id) => getImageRecord(id, { scope: user })))
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(records))
  })

  // maxPayload: ws refuses larger messages itself, before buffering them (a request is ~200 bytes).
  const wss = new WebSocketServer({ server, path: '/pixstore-ws', maxPayload: 4096 })
  serveImagesOverWebSocket(wss, {
    authorizeConnection: (upgrade) => {
      const user = userOf(upgrade.url)
      return user ? { allow: true, scope: user } : { allow: false, status: 401, reason: 'unknown ticket' }
    },
    onServed: (e) => console.log(`served ${e.id} state=${e.state} ${e.bytes} B in ${e.durationMs.toFixed(1)} ms`),
  })

  await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)))
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  return {
    origin: `http://127.0.0.1:${address.port}`,
    async close() {
      for (const client of wss.clients) client.terminate()
      await new Promise((resolve) => server.close(() => resolve(undefined)))
      await closePixstoreBackend()
    },
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { origin, close } = await startExampleServer({ port: Number(process.env.PORT ?? 3000), dataDir: process.env.DATA_DIR })
  console.log(`listening on ${origin}`)
  process.once('SIGINT', () => void close().then(() => process.exit(0)))
  process.once('SIGTERM', () => void close().then(() => process.exit(0)))
}
