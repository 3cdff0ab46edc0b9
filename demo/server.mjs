// `npm start`: the Pixstore demo. Backend on the embedded default (SQLite in a demo data directory),
// the built-in image endpoint and the demo page, both on 127.0.0.1. Ctrl-C stops it cleanly; the next
// start reuses the data directory (images, secret) and does not seed again.
//
// Prints one machine-readable line for scripts and tests:
//   PIXSTORE_DEMO_READY {"pageUrl":"http://127.0.0.1:3000/","endpointUrl":"...","dataDir":"...","images":12,"seeded":12}
import { mkdir } from 'node:fs/promises'
import { staleBuildWarning } from './build-freshness.mjs'
import { readDemoOptions } from './demo-options.mjs'
import { loadPageAssets } from './page-assets.mjs'
import { startPageServer } from './page-server.mjs'

function fail(message) {
  console.error(`[demo] ${message}`)
  process.exit(1)
}

function portHint(error, port, variable) {
  // The listen error sits somewhere down the cause chain (ENDPOINT_ERROR wraps it).
  let cause = error
  while (cause && cause.code !== 'EADDRINUSE' && cause.cause) cause = cause.cause
  if (cause?.code === 'EADDRINUSE') return `port ${port} on 127.0.0.1 is in use; stop what uses it or set ${variable}=0 to take any free port`
  return null
}

async function importPackage() {
  try {
    const backend = await import('pixstore/backend')
    const { ensureDemoImages } = await import('./seed-images.mjs')
    const { createDemoApi } = await import('./demo-api.mjs')
    return { backend, ensureDemoImages, createDemoApi }
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND') fail(`the package is not built (${error.message.split('\n')[0]}); run \`npm run build\` first`)
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
  const { dataDir, pagePort, endpointPort, proofTtlMs, repoRoot } = options
  const { backend, ensureDemoImages, createDemoApi } = await importPackage()
  const stale = await staleBuildWarning(repoRoot)
  if (stale) console.warn(`[demo] warning: ${stale}`)
  await mkdir(dataDir, { recursive: true, mode: 0o700 })

  const assets = await loadPageAssets(repoRoot).catch((error) => fail(`could not bundle the page script: ${error.message}`))
  let handleApi = null
  const page = await startPageServer({
    assets,
    port: pagePort,
    handleApi: (req, res, path) => (handleApi ? handleApi(req, res, path) : false),
  }).catch((error) => fail(portHint(error, pagePort, 'PIXSTORE_DEMO_PORT') ?? `the page server could not start: ${error.message}`))

  let stopping = null
  const stop = (signal) => {
    if (stopping) {
      // A second Ctrl-C while closing: the user wants out now.
      console.error('[demo] forced exit')
      process.exit(130)
    }
    console.log(`[demo] ${signal}: stopping`)
    stopping = (async () => {
      page.server.closeAllConnections()
      await new Promise((resolve) => page.server.close(() => resolve()))
      await backend.closePixstoreBackend()
      console.log('[demo] stopped (endpoint closed, database closed)')
      process.exit(0)
    })().catch((error) => {
      console.error(`[demo] unclean stop: ${error.message}`)
      process.exit(1)
    })
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))

  try {
    await backend.initPixstoreBackend({
      dataDir,
      // The demo shows the embedded default, even where PIXSTORE_DATABASE_URL is set for something else.
      storage: { type: 'sqlite' },
      defaultEndpointListenHost: '127.0.0.1',
      defaultEndpointListenPort: endpointPort,
      // The page is served from another port, so the endpoint must let that one origin read its answers.
      accessControlAllowOrigin: page.origin,
      // Failures reach the demo's own handlers with their cause (e.g. EADDRINUSE), instead of a null.
      errorHandlingMode: 'throw',
      ...(proofTtlMs ? { proofTtlMs } : {}),
    })
  } catch (error) {
    page.server.close()
    await backend.closePixstoreBackend().catch(() => {})
    fail(portHint(error, endpointPort, 'PIXSTORE_DEMO_ENDPOINT_PORT') ?? `the backend could not start: ${error.message}`)
  }
  const endpoint = await backend.startDefaultEndpoint()
  if (!endpoint) fail('the image endpoint is not running')
  page.setEndpointOrigin(new URL(endpoint.url).origin)

  const { images, seeded } = await ensureDemoImages(dataDir)
  handleApi = createDemoApi({ dataDir, images, endpointUrl: endpoint.url })

  console.log(seeded > 0 ? `[demo] seeded ${seeded} sample images into ${dataDir}` : `[demo] reusing ${images.length} images in ${dataDir}`)
  console.log(`[demo] image endpoint: ${endpoint.url}`)
  console.log(`[demo] open ${page.url}  (Ctrl-C to stop)`)
  console.log(`PIXSTORE_DEMO_READY ${JSON.stringify({ pageUrl: page.url, endpointUrl: endpoint.url, dataDir, images: images.length, seeded })}`)
}

main().catch((error) => fail(error?.stack ?? String(error)))
