// The demo application's HTTP server (Express, on 127.0.0.1 only): the page, its API and its own
// image route. The guards below are what any app serving records (keys and proofs) needs too.
import http from 'node:http'
import express from 'express'
import { DEMO_HOST } from './demo-options.mjs'

/**
 * Scripts: our own file only (no inline script), plus WebAssembly compilation for the codec. Images
 * are blob: URLs of decrypted Blobs and data: URLs of placeholders; fetches and the WebSocket go to
 * this origin only.
 */
export function contentSecurityPolicy(origin) {
  const ws = origin.replace(/^http/, 'ws')
  return [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    `connect-src 'self' ${ws}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/**
 * @param {{ assets: Map<string, { type: string, body: Uint8Array }>, port: number, mount: (app: import('express').Express) => void }} options
 * @returns {Promise<{ server: http.Server, url: string, origin: string }>}
 */
export async function startPageServer({ assets, port, mount }) {
  const app = express()
  app.disable('x-powered-by')
  const server = http.createServer(app)
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, DEMO_HOST, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const actual = server.address().port
  const origin = `http://${DEMO_HOST}:${actual}`
  const allowedHost = `${DEMO_HOST}:${actual}`
  const csp = contentSecurityPolicy(origin)

  app.use((req, res, next) => {
    const host = req.headers.host ?? ''
    // The page's IndexedDB belongs to one origin: send localhost visitors to the 127.0.0.1 one.
    if (host === `localhost:${actual}` && req.method === 'GET') return res.redirect(308, `${origin}${req.originalUrl}`)
    // DNS rebinding: a hostile site resolving its own name to 127.0.0.1 would send its own Host header.
    if (host !== allowedHost) return res.status(421).type('text/plain').send('Misdirected request')
    // Another site's page may POST here (a "simple" request needs no preflight): refuse foreign origins.
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.headers.origin !== origin) return res.status(403).type('text/plain').send('Forbidden origin')
    next()
  })
  mount(app)
  app.get('/favicon.ico', (req, res) => res.status(204).end())
  app.get('/{*path}', (req, res, next) => {
    const asset = assets.get(req.path)
    if (!asset) return next()
    res.set({
      'content-type': asset.type,
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    })
    res.end(asset.body)
  })
  app.use((req, res) => res.status(404).type('text/plain').send('Not found'))
  app.use((error, req, res, next) => {
    // Never the request's headers or body in the log: they carry the JWT, proofs and tokens.
    console.error(`[demo] ${req.method} ${req.path} failed: ${error instanceof Error ? error.message : error}`)
    if (res.headersSent) return res.destroy()
    res.status(500).json({ error: 'internal error' })
  })
  return { server, url: `${origin}/`, origin }
}
