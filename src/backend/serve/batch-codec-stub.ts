// TEMPORARY (branch batch): stands in for the codec's batch functions until the "batch container"
// commit lands in main; then this file is deleted and imports point at src/codec and src/shared.
import { PixstoreError } from '../../shared/errors.js'

export const MAX_BATCH_ITEMS = 256

export function encodeBatchHeader(frameLengths: readonly number[]): Uint8Array {
  const n = frameLengths.length
  if (n < 1 || n > MAX_BATCH_ITEMS) throw new PixstoreError('WIRE_INVALID_INPUT', 'batch count out of range')
  const out = new Uint8Array(4 + 4 * n)
  const view = new DataView(out.buffer)
  out[0] = 0xba
  out[1] = 1
  view.setUint16(2, n, true)
  frameLengths.forEach((len, i) => view.setUint32(4 + 4 * i, len, true))
  return out
}
