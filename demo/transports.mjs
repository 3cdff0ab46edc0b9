// The transports the page may switch between besides HTTP. The WebSocket one joins when the
// library's WebSocket helper is available; until then the page offers HTTP only.

/**
 * @param {{ server: import('node:http').Server, origin: string, images: import('./image-manifest.mjs').RosterImage[], auth: object }} ctx
 * @returns {{ websocketUrl: string | null, close(): Promise<void> }}
 */
export function attachTransports(ctx) {
  void ctx
  return { websocketUrl: null, close: async () => {} }
}
