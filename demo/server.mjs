// `npm start`: the Pixstore demo, a team roster. Backend on the embedded default (SQLite in a demo
// data directory, secret generated there), one Express app on 127.0.0.1 serving the page, its API
// (sign-in with a JWT, the roster) and its own image route. Ctrl-C stops it cleanly; the next start
// reuses the data directory (images, secret, JWT key) and does not seed again.
//
// Prints one machine-readable line for scripts and tests:
//   PIXSTORE_DEMO_READY {"pageUrl":"http://127.0.0.1:3000/","dataDir":"...","images":18,"seeded":18}
import { mkdir } from 'node:fs/promises'
import { staleBuildWarning } from './build-freshness.mjs'
import { readDemoOptions } from './demo-options.mjs'
import { loadPageAssets } from './page-assets.mjs'
import { startPageServer } from './page-server.mjs'
import { VARIANTS } from './seed-images.mjs'

function fail(message) {
  console.error(`[demo] ${message}`)
  process.exit(1)
}

function portHint(error, port) {
  let cause = error
  while (cause && cause.code !== 'EADDRINUSE' && cause.cause) cause = cause.cause
  if (cause?.code === 'EADDRINUSE') return `port ${port} on 127.0.0.1 is in use; stop what uses it or set PIXSTORE_DEMO_PORT=0 to take any free port`
  return null
}

async function importPackage() {
  try {
    const backend = await import('pixstore/backend')
    const modules = await Promise.all([import('./seed-images.mjs'), import('./roster-api.mjs'), import('./player-image-route.mjs'), import('./auth.mjs'), import('./transports.mjs')])
    return { backend, ...Object.assign({}, ...modules) }
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND') fail(`a module is missing (${error.message.split('\n')[0]}); run \`npm install\` and \`npm run build\` first`)
    throw error
  }
}

async function main() {
  let options
  try {
    options = readDemoOptions()
  } catch (error) {
    fail(error.message)
  }
  const { dataDir, pagePort, proofTtlMs, repoRoot } = options
  const { backend, ensureRosterImages, createRosterApi, playerImageRoute, createAuth, attachTransports } = await importPackage()
  const stale = await staleBuildWarning(repoRoot)
  if (stale) console.warn(`[demo] warning: ${stale}`)
  await mkdir(dataDir, { recursive: true, mode: 0o700 })

  try {
    await backend.initPixstoreBackend({
      dataDir,
      // The demo shows the embedded default, even where PIXSTORE_DATABASE_URL is set for something else.
      storage: { type: 'sqlite' },
      // Images are served by the app's own route only (auth first): no built-in endpoint.
      defaultEndpointEnabled: false,
      errorHandlingMode: 'throw',
      // Lists show thumbnails; the original is fetched when a photo is opened. Sealed under their own
      // keys at save and update, covered by the image's proof.
      variants: VARIANTS,
      ...(proofTtlMs ? { proofTtlMs } : {}),
    })
  } catch (error) {
    await backend.closePixstoreBackend().catch(() => {})
    fail(`the backend could not start: ${error.message}`)
  }
  const assets = await loadPageAssets(repoRoot).catch((error) => fail(`could not bundle the page script: ${error.message}`))
  // Listen first, so a busy port is reported at once rather than after the first run's drawing.
  let routes = null
  const starting = (req, res) => res.status(503).json({ error: 'the demo is still starting' })
  const page = await startPageServer({
    assets,
    port: pagePort,
    mount(app) {
      app.use('/api', (req, res, next) => (routes ? routes.api(req, res, next) : starting(req, res)))
      app.get('/player-image/:playerId/:imageId', (req, res, next) => (routes ? routes.image(req, res, next) : starting(req, res)))
    },
  }).catch(async (error) => {
    await backend.closePixstoreBackend().catch(() => {})
    fail(portHint(error, pagePort) ?? `the app could not start: ${error.message}`)
  })
  const { images, seeded } = await ensureRosterImages(dataDir)
  const auth = await createAuth(dataDir)
  routes = { api: createRosterApi({ dataDir, images, auth }), image: playerImageRoute({ images, auth }) }
  const transports = attachTransports({ server: page.server, origin: page.origin, images, auth })

  let stopping = null
  const stop = (signal) => {
    if (stopping) {
      // A second Ctrl-C while closing: the user wants out now.
      console.error('[demo] forced exit')
      process.exit(130)
    }
    console.log(`[demo] ${signal}: stopping`)
    stopping = (async () => {
      await transports.close()
      page.server.closeAllConnections()
      await new Promise((resolve) => page.server.close(() => resolve()))
      await backend.closePixstoreBackend()
      console.log('[demo] stopped (server closed, database closed)')
      process.exit(0)
    })().catch((error) => {
      console.error(`[demo] unclean stop: ${error.message}`)
      process.exit(1)
    })
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))

  console.log(seeded > 0 ? `[demo] drew and stored ${seeded} images (avatars and private photos) in ${dataDir}` : `[demo] reusing ${images.length} images in ${dataDir}`)
  console.log(`[demo] images over HTTP: ${page.origin}/player-image/:playerId/:imageId${transports.websocketUrl ? `; over WebSocket: ${transports.websocketUrl}` : ''}`)
  console.log(`[demo] open ${page.url} and sign in as the coach, a player or a guest  (Ctrl-C to stop)`)
  console.log(`PIXSTORE_DEMO_READY ${JSON.stringify({ pageUrl: page.url, dataDir, images: images.length, seeded, websocket: Boolean(transports.websocketUrl) })}`)
}

main().catch((error) => fail(error?.stack ?? String(error)))
