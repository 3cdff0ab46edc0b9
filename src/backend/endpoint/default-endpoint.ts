// The built-in endpoint: a bare node:http server (no framework) on 127.0.0.1:3001 by default.
// To expose it, set `defaultEndpointListenHost: '0.0.0.0'` or, better, put it behind your reverse proxy.
import http, { type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describeCause } from '../../shared/describe-cause.js'
import { PixstoreError } from '../../shared/errors.js'
import { handleError } from '../../shared/error-handling.js'
import { readyState } from '../backend-state.js'
import { createHttpHandler } from './http-handler.js'

let server: Server | null = null
let listening: Promise<AddressInfo> | null = null

/** Where the built-in endpoint listens. */
export interface EndpointAddress {
  host: string
  port: number
  /** e.g. `http://127.0.0.1:3001/pixstore-image` */
  url: string
}

/**
 * Starts the built-in endpoint (idempotent). `initPixstoreBackend` calls it when
 * `defaultEndpointEnabled` is true (the default). Resolves with the address (useful with port 0).
 *
 * @example
 * ```ts
 * initPixstoreBackend({ defaultEndpointEnabled: false })
 * const { url } = await startDefaultEndpoint() // 'http://127.0.0.1:3001/pixstore-image'
 * ```
 */
export async function startDefaultEndpoint(): Promise<EndpointAddress | null> {
  try {
    return await listenDefaultEndpoint()
  } catch (e) {
    return handleError(e)
  }
}

/**
 * {@link startDefaultEndpoint} without the error mode: rejects with `ENDPOINT_ERROR` (the listen
 * error as `cause`) whatever the mode, for `initPixstoreBackend`, which must report why it failed.
 *
 * @example
 * ```ts
 * const { port } = await listenDefaultEndpoint()
 * ```
 */
export async function listenDefaultEndpoint(): Promise<EndpointAddress> {
  const state = await readyState()
  const { defaultEndpointRoute: route, defaultEndpointListenHost: host, defaultEndpointListenPort: port } = state.config
  if (!listening) {
    const s = http.createServer(
      { maxHeaderSize: 16 * 1024, requestTimeout: 30_000, headersTimeout: 15_000 },
      createHttpHandler({ route, allowOrigin: state.config.accessControlAllowOrigin, authorize: state.config.authorize, onServed: state.config.onServed }),
    )
    // Garbage on the socket (bad request line, oversized headers) gets a 400, never a crash.
    s.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      else socket.destroy()
    })
    // A connection with no progress either way for this long is destroyed (node's socket timeout
    // with no 'timeout' listener): a client that never reads its response cannot hold the socket,
    // and the response's buffers, forever.
    s.timeout = state.config.defaultEndpointTimeoutMs
    server = s
    listening = new Promise<AddressInfo>((resolve, reject) => {
      s.once('error', reject)
      s.listen(port, host, () => {
        s.off('error', reject)
        s.on('error', () => {})
        resolve(s.address() as AddressInfo)
      })
    })
    listening.catch(() => {
      server = null
      listening = null
    })
  }
  let address: AddressInfo
  try {
    address = await listening
  } catch (cause) {
    throw new PixstoreError('ENDPOINT_ERROR', `the built-in endpoint could not listen on ${host}:${port} (${describeCause(cause)})`, { cause })
  }
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return { host: address.address, port: address.port, url: `http://${shownHost}:${address.port}${route}` }
}

/**
 * Stops the built-in endpoint (idempotent); open keep-alive connections are closed.
 *
 * @example
 * ```ts
 * await stopDefaultEndpoint()
 * ```
 */
export async function stopDefaultEndpoint(): Promise<void> {
  const s = server
  const l = listening
  server = null
  listening = null
  if (!s || !l) return
  await l.catch(() => {})
  await new Promise<void>((resolve) => {
    s.close(() => resolve())
    s.closeAllConnections()
  })
}
