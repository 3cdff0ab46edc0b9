import { readyState } from './backend-state.js'
import { handleError } from '../shared/error-handling.js'
import { PixstoreError } from '../shared/errors.js'
import { MAX_BATCH_ITEMS } from '../shared/protocol.js'
import { joinBatch, serveImageBatch, type ServeBatchItem } from './serve/serve-image-batch.js'

/** One image of a {@link customEndpointBatchHelper} call: the arguments of `customEndpointHelper`. */
export interface CustomEndpointBatchItem {
  imageId: string
  /** As `customEndpointHelper`'s: anything but a version token counts as "no token". */
  clientToken?: unknown
  statelessProof?: string | undefined | null
  /** As `customEndpointHelper`'s `variant`: the preset name, absent for the original. */
  variant?: string | undefined | null
}

/** Options of {@link customEndpointBatchHelper}. */
export interface CustomEndpointBatchOptions {
  /** The scope every item's proof must have been issued for; as `customEndpointHelper`'s. */
  scope?: string
}

// Own properties only, and anything that is not an object is an item with no fields: its frame
// then says what is missing (MissingID first), as serveImage decides.
function itemOf(value: unknown): ServeBatchItem {
  if (value === null || typeof value !== 'object') return { id: undefined, token: undefined, proof: undefined }
  const own = (key: string) => (Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined)
  return { id: own('imageId'), token: own('clientToken'), proof: own('statelessProof'), variant: own('variant') }
}

/**
 * The batch container for `items`, for serving batches from your own route or transport: each item
 * is served exactly as `customEndpointHelper` would serve it alone (its own proof check; one failing
 * item is its own state frame), in order. Resolves a container whatever the items hold. Only when
 * `items` is not an array of 1 to `maxBatchItems` entries (the application's bug, not the client's)
 * does it fail with `ARGUMENT_INVALID`, reported through the error handling mode like every public
 * call (rejects in `throw` mode, else resolves `null`). The container is one
 * buffer, so each call copies its images once; the built-in endpoint and adapters do not.
 *
 * @example
 * ```ts
 * app.post('/images', requireLogin, express.json(), async (req, res) => {
 *   const items = req.body.items.map((it) => ({ imageId: it.id, clientToken: it.token, statelessProof: it.proof, variant: it.variant }))
 *   const container = await customEndpointBatchHelper(items, { scope: req.user.id })
 *   res.type('application/octet-stream').send(Buffer.from(container))
 * })
 * ```
 */
export async function customEndpointBatchHelper(
  items: readonly CustomEndpointBatchItem[],
  options: CustomEndpointBatchOptions = {},
): Promise<Uint8Array | null> {
  try {
    const state = readyState()
    // Not initialised: the limit is the wire's; every item then answers InternalError.
    const maxItems = await state.then((s) => s.config.maxBatchItems, () => MAX_BATCH_ITEMS)
    if (!Array.isArray(items) || items.length < 1 || items.length > maxItems) {
      throw new PixstoreError('ARGUMENT_INVALID', `customEndpointBatchHelper takes an array of 1 to ${maxItems} items (maxBatchItems)`)
    }
    const scope = options !== null && typeof options === 'object' && Object.hasOwn(options, 'scope') ? options.scope : undefined
    return joinBatch(await serveImageBatch(state, Array.from(items, itemOf), { scope }))
  } catch (e) {
    return handleError(e)
  }
}
