import { PixstoreError } from '../shared/errors.js'
import type { ImageRecord } from '../types/index.js'
import { causeText } from './cause-text.js'
import { isImageIdShape } from '../shared/image-id-pattern.js'
import { metaToKeyMaterial, type KeyMaterial } from './decrypt-image.js'

/** Checks an ImageRecord's shape before anything touches the cache; returns its decoded key material. */
export function validateRecord(record: unknown): KeyMaterial {
  const r = record as Partial<ImageRecord> | null
  if (r === null || typeof r !== 'object') throw new PixstoreError('RECORD_INVALID', 'record must be an ImageRecord object')
  // Only an id the backend could have issued: `.`, `..`, `/` or `%2F` would otherwise steer the
  // request (and its proof) to another path of the endpoint's origin.
  if (!isImageIdShape(r.id)) {
    throw new PixstoreError('RECORD_INVALID', 'record.id must be [dir:]name of letters, digits, "_" or "-" (at most 64 each), as the backend issues')
  }
  if (typeof r.token !== 'number' || !Number.isSafeInteger(r.token) || r.token < 0) {
    throw new PixstoreError('RECORD_INVALID', 'record.token must be an integer from 0 to 2^53-1')
  }
  if (r.statelessProof !== undefined && typeof r.statelessProof !== 'string') {
    throw new PixstoreError('RECORD_INVALID', 'record.statelessProof must be a string')
  }
  const meta = r.meta
  if (meta === null || typeof meta !== 'object' || typeof meta.key !== 'string' || typeof meta.iv !== 'string' || typeof meta.tag !== 'string') {
    throw new PixstoreError('RECORD_INVALID', 'record.meta must hold base64 key, iv and tag strings')
  }
  try {
    return metaToKeyMaterial(meta)
  } catch (cause) {
    throw new PixstoreError('RECORD_INVALID', `record.meta is unusable: ${causeText(cause)}`, { cause })
  }
}
