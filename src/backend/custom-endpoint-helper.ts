import { readyState } from './backend-state.js'
import { joinFrame } from './serve/frame.js'
import { serveImage } from './serve/serve-image.js'

/** Options of {@link customEndpointHelper}. */
export interface CustomEndpointOptions {
  /**
   * The scope the proof must have been issued for (`getImageRecord(id, { scope })`): a string, or
   * absent (`undefined` or `null`). Anything else answers InternalError.
   */
  scope?: string
  /**
   * The variant (preset name) to serve: absent (`undefined` or `null`) for the original. The same
   * proof covers it; a name the image's current version lacks answers NotFound (`VARIANT_UNKNOWN`).
   */
  variant?: string | null
}

/**
 * The wire payload for one request, for serving images from your own route (Express, Fastify,
 * Hono, WebSocket, gRPC...). Verifies the proof first; errors come back as states, never throws.
 * Works whether or not the built-in endpoint runs. The payload is one buffer, so each call copies
 * the image once; the Express and fetch adapters write the shared stored bytes instead.
 *
 * @example
 * ```ts
 * app.get('/images/:id', requireLogin, async (req, res) => {
 *   const payload = await customEndpointHelper(req.params.id, req.get('x-pixstore-token'),
 *     req.get('x-pixstore-proof'), { scope: req.user.id, variant: req.query.variant as string | undefined })
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
  const own = (key: 'scope' | 'variant') => (options !== null && typeof options === 'object' && Object.hasOwn(options, key) ? options[key] : undefined)
  return joinFrame(await serveImage(readyState(), { id: imageId, token: clientToken, proof: statelessProof, scope: own('scope'), variant: own('variant') }))
}
