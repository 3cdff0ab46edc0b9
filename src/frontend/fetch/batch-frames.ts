// A batch container read frame by frame while it arrives. The directory comes first (BATCH.md), so
// once its bytes are in, each frame's end is known: a frame is handed on as soon as its last byte
// arrived, and its image decrypts while the next frames are still on the wire. In a 12 × 1 MiB
// gallery that is most of the work done by the time the last byte lands, instead of all of it after.
// This is only a head start: the whole container is still decoded and checked once complete
// (decodeBatch), and that result is what every image not handed on yet gets.
import { readBatchDirectory } from '../../codec/index.js'
import { declaredDirectoryLength } from '../../codec/wire-checks.js'
import type { BodyProgress } from './read-capped-body.js'

/**
 * A BodyProgress that calls `onFrame(i, frame)` for each frame of a container of `expectedCount`
 * frames once its bytes are in, in order, each once. The directory is checked against the declared
 * length first (readBatchDirectory, the codec's check): one that does not hold hands on nothing, and
 * leaves the error to decodeBatch of the whole. `frame` is a view into the body being read.
 */
export function batchFrameProgress(expectedCount: number, onFrame: (index: number, frame: Uint8Array) => void): BodyProgress {
  let lengths: number[] | null | undefined // undefined: directory not in yet; null: not streamed
  let next = 0
  let at = 0
  return (received, declaredLength) => {
    if (lengths === null) return
    if (lengths === undefined) {
      if (received.length < 4) return
      const directory = declaredDirectoryLength(received)
      if (received.length < Math.min(directory, declaredLength)) return
      try {
        lengths = readBatchDirectory(received.subarray(0, Math.min(directory, received.length)), declaredLength, expectedCount)
      } catch {
        lengths = null
        return
      }
      at = directory
    }
    while (next < lengths.length && at + lengths[next]! <= received.length) {
      const length = lengths[next]!
      onFrame(next, received.subarray(at, at + length))
      at += length
      next++
    }
  }
}
