// The WebSocket transport beside the HTTP route: one `ws` server on the app's own HTTP server, at
// /player-image-ws, served by Pixstore's WebSocket helper. The same checks as the HTTP route, in
// the helper's two hooks: the connection needs a sign-in ticket (401 otherwise), each request the
// role for that player's image (403 otherwise), and every proof is checked against the user's scope.
import { WebSocketServer } from 'ws'
import { serveImagesOverWebSocket } from 'pixstore/backend/websocket'
import { canView } from './roster.mjs'

export const WEBSOCKET_PATH = '/player-image-ws'

/**
 * @param {{ server: import('node:http').Server, origin: string, images: import('./image-manifest.mjs').RosterImage[], auth: Awaited<ReturnType<typeof import('./auth.mjs').createAuth>> }} ctx
 * @returns {{ websocketUrl: string, close(): Promise<void> }}
 */
export function attachTransports({ server, origin, images, auth }) {
  const wss = new WebSocketServer({
    server,
    path: WEBSOCKET_PATH,
    // A request is ~200 bytes of JSON: ws refuses anything large before buffering it.
    maxPayload: 4096,
    // Cross-site WebSocket hijacking and DNS rebinding: only this page, under its own host name, connects.
    verifyClient: ({ origin: from, req }) => from === origin && req.headers.host === new URL(origin).host,
  })
  const serving = serveImagesOverWebSocket(wss, {
    async authorizeConnection(upgrade) {
      const ticket = new URL(upgrade.url ?? '/', origin).searchParams.get('ticket')
      const user = await auth.userOfTicket(ticket)
      return user ? { allow: true, context: user, scope: user.id } : { allow: false, status: 401, reason: 'sign in first' }
    },
    authorize({ id, app, context: user }) {
      const playerId = app !== null && typeof app === 'object' ? app.playerId : undefined
      const image = images.find((candidate) => candidate.imageId === id && candidate.playerId === playerId)
      if (!image || !canView(user, image.playerId, image.kind)) return { allow: false, status: 403, reason: 'your role may not see this image' }
      return { allow: true, scope: user.id }
    },
  })
  return {
    websocketUrl: `${origin.replace(/^http/, 'ws')}${WEBSOCKET_PATH}`,
    async close() {
      serving.detach()
      for (const client of wss.clients) client.terminate()
      await new Promise((resolve) => wss.close(() => resolve()))
    },
  }
}
