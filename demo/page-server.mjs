// The HTTP server of the page and the demo API, on 127.0.0.1 only.
import http from 'node:http'
import { DEMO_HOST } from './demo-options.mjs'

/**
 * Scripts: our own file only (no inline script), plus WebAssembly compilation for the codec. Images
 * are blob: URLs made from decrypted Blobs; fetches go to the page's origin and the image endpoint.
 */
export function contentSecurityPolicy(endpointOrigin) {
  return [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' blob:",
    `connect-src 'self' ${endpointOrigin}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/**
 * @param {{ assets: Map<string, { type: string, body: Uint8Array }>, handleApi: Function, port: number }} options
 * @returns {Promise<{ server: http.Server, url: string, origin: string, setEndpointOrigin(origin: string): void }>}
 */
export async function startPageServer({ assets, handleApi, port }) {
  let csp = contentSecurityPolicy('')
  let allowedHost = ''
  let origin = ''

  const server = http.createServer(async (req, res) => {
    res.on('error', () => {})
    try {
      // DNS rebinding: a hostile site resolving its own name to 127.0.0.1 would send its Host header.
      const host = req.headers.host ?? ''
      // The endpoint lets exactly one origin read its answers: send localhost visitors to that one.
      if (host === `localhost:${server.address().port}` && req.method === 'GET') {
        res.writeHead(308, { location: `${origin}${req.url ?? '/'}` }).end()
        return
      }
      if (host !== allowedHost) {
        res.writeHead(421, { 'content-type': 'text/plain' }).end('Misdirected request')
        return
      }
      const path = (req.url ?? '/').split('?')[0]
      if (path.startsWith('/api/')) {
        // Another site's page may POST here (a "simple" request needs no preflight): refuse foreign origins.
        if (req.method !== 'GET' && req.headers.origin !== origin) {
          res.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden origin')
          return
        }
        if (await handleApi(req, res, path)) return
      }
      if (path === '/favicon.ico') {
        res.writeHead(204).end()
        return
      }
      const asset = req.method === 'GET' ? assets.get(path) : undefined
      if (!asset) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found')
        return
      }
      res.writeHead(200, {
        'content-type': asset.type,
        'content-length': asset.body.length,
        'content-security-policy': csp,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-cache',
      })
      res.end(asset.body)
    } catch (error) {
      console.error(`[demo] ${req.method} ${req.url} failed: ${error instanceof Error ? error.message : error}`)
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal error')
      else res.destroy()
    }
  })

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, DEMO_HOST, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const actual = server.address().port
  origin = `http://${DEMO_HOST}:${actual}`
  allowedHost = `${DEMO_HOST}:${actual}`
  return {
    server,
    url: `${origin}/`,
    origin,
    setEndpointOrigin(endpointOrigin) {
      csp = contentSecurityPolicy(endpointOrigin)
    },
  }
}
