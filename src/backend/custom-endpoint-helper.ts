import { WireState } from '../types/index.js'
import { readyState } from './backend-state.js'
import { parseClientToken, wireResponse } from './images/wire-response.js'

/** Options of {@link customEndpointHelper}. */
export interface CustomEndpointOptions {
  /** The scope the proof must have been issued for (`getImageRecord(id, { scope })`). */
  scope?: string
}

/**
 * The wire payload for one request, for serving images from your own route (Express, Fastify,
 * Hono, WebSocket, gRPC...). Verifies the proof first; errors come back as states, never throws.
 * Works whether or not the built-in endpoint runs.
 *
 * @example
 * ```ts
 * app.get('/images/:id', requireLogin, async (req, res) => {
 *   const payload = await customEndpointHelper(req.params.id, req.get('x-pixstore-token'),
 *     req.get('x-pixstore-proof'), { scope: req.user.id })
 *   res.type('application/octet-stream').send(Buffer.from(payload))
 * })
 * ```
 */
export async function customEndpointHelper(
  imageId: string,
  // `unknown`: frameworks hand over a header or a parsed query value (string, string[], object…);
  // anything but a safe non-negative integer or its decimal string counts as "no token".
  clientToken: unknown,
  statelessProof: string | undefined | null,
  options: CustomEndpointOptions = {},
): Promise<Uint8Array> {
  let wire
  try {
    wire = await wireResponse(await readyState(), imageId, parseClientToken(clientToken), statelessProof, options?.scope)
  } catch {
    return Uint8Array.of(WireState.InternalError)
  }
  if (!wire.body) return wire.header
  const out = new Uint8Array(wire.header.length + wire.body.length)
  out.set(wire.header, 0)
  out.set(wire.body, wire.header.length)
  return out
}
