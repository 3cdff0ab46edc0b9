// The frames of a batch container (BATCH.md): [0xBA][1][count u16 LE][len u32 LE]…[frames], strict.
// A stand-in for the codec's decodeBatch until it is in this tree: it only splits, each frame is
// then decoded by decodeWirePayload like any single answer.
import { PixstoreError } from '../../shared/errors.js'

const MAGIC = 0xba
const VERSION = 1

/** Views of the `expectedCount` frames of `bytes`; `FETCH_FAILED` when it is not such a container. */
export function splitBatch(bytes: Uint8Array, expectedCount: number): Uint8Array[] {
  const bad = (why: string) => new PixstoreError('FETCH_FAILED', `the batch answer is not a container of ${expectedCount} frames: ${why}`)
  if (bytes.length < 4 || bytes[0] !== MAGIC || bytes[1] !== VERSION) throw bad('no container header')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const count = view.getUint16(2, true)
  if (count !== expectedCount) throw bad(`it holds ${count}`)
  const directory = 4 + 4 * count
  if (bytes.length < directory) throw bad('truncated directory')
  const frames: Uint8Array[] = []
  let at = directory
  for (let i = 0; i < count; i++) {
    const length = view.getUint32(4 + 4 * i, true)
    if (length < 1 || at + length > bytes.length) throw bad(`frame ${i} has length ${length}`)
    frames.push(bytes.subarray(at, at + length))
    at += length
  }
  if (at !== bytes.length) throw bad('bytes after the last frame')
  return frames
}
