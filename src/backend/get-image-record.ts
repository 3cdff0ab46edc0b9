import { checkScope } from '../crypto/proof-scope.js'
import { handleError } from '../shared/error-handling.js'
import { PixstoreError } from '../shared/errors.js'
import type { ImageRecord } from '../types/index.js'
import { readyState } from './backend-state.js'
import { assertImageId } from './images/image-id.js'
import { toImageRecord } from './images/image-record.js'
import { unwrapStoredKey, unwrapVariantKey } from './images/stored-key.js'

/** Options of {@link getImageRecord}. */
export interface GetImageRecordOptions {
  /**
   * Binds the proof to a scope (e.g. a user id). Only a custom endpoint that passes the same scope
   * to `customEndpointHelper` accepts it; the built-in endpoint accepts unscoped proofs only. A string
   * of at most 512 characters, or absent (`undefined` or `null`); anything else is `ARGUMENT_INVALID`.
   */
  scope?: string
}

function scopeOption(options: unknown): string | undefined {
  if (options === undefined) return undefined
  if (options === null || typeof options !== 'object') throw new PixstoreError('ARGUMENT_INVALID', 'getImageRecord options must be an object')
  // Own property only: a polluted Object.prototype must not scope (or unscope) every proof.
  return checkScope(Object.hasOwn(options, 'scope') ? (options as { scope?: unknown }).scope : undefined)
}

/**
 * The current record of an image, with a fresh stateless proof on every call (one proof covers the
 * image and its variants), `info` when the version was stored with its media facts, and
 * `variants: { name: { meta, info } }` when it has variants.
 *
 * @example
 * ```ts
 * app.get('/api/users/:id', async (req, res) => {
 *   res.json({ ...user, avatar: await getImageRecord(user.avatarId, { scope: req.user.id }) })
 * })
 * ```
 */
export async function getImageRecord(id: string, options?: GetImageRecordOptions): Promise<ImageRecord | null> {
  try {
    assertImageId(id)
    const state = await readyState()
    // Records are handed to clients as the truth about an image: never from a head cache.
    const head = await state.storage.getHead(id, Number.POSITIVE_INFINITY)
    if (!head) throw new PixstoreError('IMAGE_NOT_FOUND', 'no image with this id')
    const scope = scopeOption(options)
    const [key, ...variantKeys] = await Promise.all([
      unwrapStoredKey(state.keyring, head),
      ...(head.variants ?? []).map((v) => unwrapVariantKey(state.keyring, { id, keyId: head.keyId, name: v.name, wrappedKey: v.wrappedKey })),
    ])
    const names = (head.variants ?? []).map((v) => v.name)
    return await toImageRecord(state, id, head.token, head, { key: key!, variantKeys: new Map(names.map((n, i) => [n, variantKeys[i]!])) }, scope)
  } catch (e) {
    return handleError(e)
  }
}
