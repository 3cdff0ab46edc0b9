import { PixstoreError } from '../shared/errors.js'
import type { ImageRecord } from '../types/index.js'
import { metaToKeyMaterial, type KeyMaterial } from './decrypt-image.js'

const MAX_ID_LENGTH = 1024

/** Checks an ImageRecord's shape before anything touches the cache; returns its decoded key material. */
export function validateRecord(record: unknown): KeyMaterial {
  const r = record as Partial<ImageRecord> | null
  if (r === null || typeof r !== 'object') throw new PixstoreError('RECORD_INVALID', 'record must be an ImageRecord object')
  if (typeof r.id !== 'string' || r.id === '' || r.id.length > MAX_ID_LENGTH) {
    throw new PixstoreError('RECORD_INVALID', `record.id must be a string of 1 to ${MAX_ID_LENGTH} characters`)
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
  } catch {
    throw new PixstoreError('RECORD_INVALID', 'record.meta must hold a base64 32-byte key, 12-byte iv and 16-byte tag')
  }
}
