import { handleError } from '../shared/error-handling.js'
import { PixstoreError } from '../shared/errors.js'
import type { ImageRecord } from '../types/index.js'
import { readyState } from './backend-state.js'
import { assertImageId } from './images/image-id.js'
import { toImageRecord, unwrapStoredKey } from './images/image-record.js'

/** Options of {@link getImageRecord}. */
export interface GetImageRecordOptions {
  /**
   * Binds the proof to a scope (e.g. a user id). Only a custom endpoint that passes the same scope
   * to `customEndpointHelper` accepts it; the built-in endpoint accepts unscoped proofs only.
   */
  scope?: string
}

/**
 * The current record of an image, with a fresh stateless proof on every call.
 *
 * @example
 * ```ts
 * app.get('/api/users/:id', async (req, res) => {
 *   res.json({ ...user, avatar: await getImageRecord(user.avatarId, { scope: req.user.id }) })
 * })
 * ```
 */
export async function getImageRecord(id: string, options: GetImageRecordOptions = {}): Promise<ImageRecord | null> {
  try {
    assertImageId(id)
    const state = await readyState()
    // Records are handed to clients as the truth about an image: never from a head cache.
    const head = await state.storage.getHead(id, Number.POSITIVE_INFINITY)
    if (!head) throw new PixstoreError('IMAGE_NOT_FOUND', 'no image with this id')
    const key = await unwrapStoredKey(state, head)
    return await toImageRecord(state, id, head.token, key, head.iv, head.tag, options?.scope)
  } catch (e) {
    return handleError(e)
  }
}
