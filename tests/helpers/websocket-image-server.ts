// A real `ws` server on a free loopback port with serveImagesOverWebSocket attached, recording its
// served events and connections: the one set-up of the WebSocket adapter's and fetcher's tests.
import { WebSocketServer } from 'ws'
import { serveImagesOverWebSocket, type WebSocketServeOptions } from '../../src/backend/adapters/websocket.js'
import type { ServedEvent } from '../../src/backend/serve/serve-hooks.js'

export interface WebSocketImageServer {
  url: string
  wss: WebSocketServer
  /** Every served event, in order (the caller's own onServed still runs). */
  events: ServedEvent[]
  /** Connections accepted so far. */
  connections: number
  /** Terminates every client and closes the server. */
  close(): Promise<void>
}

export async function startWebSocketImageServer(
  options: WebSocketServeOptions<any> = {},
  server: { maxPayload: number; perMessageDeflate?: boolean },
): Promise<WebSocketImageServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: server.maxPayload, perMessageDeflate: server.perMessageDeflate ?? false })
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()))
  const started: WebSocketImageServer = {
    url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}`,
    wss,
    events: [],
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate()
        wss.close(() => resolve())
      }),
  }
  wss.on('connection', () => started.connections++)
  const onServed = options.onServed
  serveImagesOverWebSocket(wss, { ...options, onServed: (e) => (started.events.push(e), onServed?.(e)) })
  return started
}
