// The adapters' batch limit options, checked with the same ranges as the backend config's keys.
import { configInteger } from '../../shared/config-reader.js'
import { MAX_BATCH_REQUEST_BYTES, MIN_BATCH_REQUEST_BYTES } from '../config/backend-config.js'
import { MAX_BATCH_ITEMS } from '../../shared/protocol.js'

/** Batch limits an adapter was given; an absent one defers to the backend config at request time. */
export interface BatchLimits {
  maxBatchItems?: number
  maxBatchRequestBytes?: number
}

/**
 * The checked limits from already read options (`CONFIG_INVALID` naming the key when out of range).
 *
 * @example
 * ```ts
 * const limits = batchLimitOptions(readConfig(options, ['maxBatchItems', 'maxBatchRequestBytes'] as const))
 * ```
 */
export function batchLimitOptions(o: { maxBatchItems?: unknown; maxBatchRequestBytes?: unknown }): BatchLimits {
  const limits: BatchLimits = {}
  if (o.maxBatchItems !== undefined) limits.maxBatchItems = configInteger('maxBatchItems', o.maxBatchItems, 1, MAX_BATCH_ITEMS)
  if (o.maxBatchRequestBytes !== undefined) {
    limits.maxBatchRequestBytes = configInteger('maxBatchRequestBytes', o.maxBatchRequestBytes, MIN_BATCH_REQUEST_BYTES, MAX_BATCH_REQUEST_BYTES)
  }
  return limits
}
