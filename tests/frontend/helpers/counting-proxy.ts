// A transparent HTTP proxy on 127.0.0.1 that counts what reaches a real endpoint, so a test can
// assert "N getImage calls -> 1 HTTP request" against the backend's own server, unchanged.
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface CountingProxy {
  /** Origin of the proxy, e.g. http://127.0.0.1:1234 */
  origin: string
  /** Request paths seen, in order. */
  paths: string[]
  close(): Promise<void>
}

/** Forwards every request under `prefix` to `target` (an origin); anything else is passed to `fallback`. */
export async function startCountingProxy(
  target: string,
  prefix: string,
  fallback?: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<CountingProxy> {
  const upstream = new URL(target)
  const paths: string[] = []
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/'
    if (!url.startsWith(prefix)) {
      if (fallback) fallback(req, res)
      else res.writeHead(404).end()
      return
    }
    paths.push(url)
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: url, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    forward.on('error', () => res.writeHead(502).end())
    req.pipe(forward)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    paths,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
