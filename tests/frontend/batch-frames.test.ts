// The batch container read frame by frame while it arrives (src/frontend/fetch/batch-frames.ts):
// every frame handed on once, in order, as soon as its last byte is in, whatever the chunking; and
// nothing handed on from a container whose directory does not hold.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeBatch, encodeWirePayload, WireState } from '../../src/codec/index.js'
import { batchFrameProgress } from '../../src/frontend/fetch/batch-frames.js'

const frame = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 300 }).map((ciphertext) => encodeWirePayload({ state: WireState.Success, ciphertext })),
  fc.constantFrom(WireState.NotFound, WireState.InvalidProof).map((state) => encodeWirePayload({ state })),
)

/** Feeds `container` to `progress` in the chunks `cuts` makes, as readCappedBody would. */
function feed(container: Uint8Array, cuts: number[], progress: ReturnType<typeof batchFrameProgress>, declared = container.length): void {
  for (const at of [...cuts.filter((c) => c > 0 && c < container.length).sort((a, b) => a - b), container.length]) {
    progress(container.subarray(0, at), declared)
  }
}

describe('batchFrameProgress', () => {
  it('hands on each frame once, in order, by the first prefix that holds it', () => {
    fc.assert(
      fc.property(fc.array(frame, { minLength: 1, maxLength: 12 }), fc.array(fc.nat({ max: 4000 }), { maxLength: 20 }), (frames, cuts) => {
        const container = encodeBatch(frames)
        const got: Array<[number, number[], number]> = []
        let prefix = 0
        const progress = batchFrameProgress(frames.length, (i, bytes) => got.push([i, [...bytes], prefix]))
        feed(container, cuts, (received, declared) => {
          prefix = received.length
          progress(received, declared)
        })
        expect(got.map(([i]) => i)).toEqual(frames.map((_, i) => i))
        let end = 4 + 4 * frames.length
        got.forEach(([i, bytes, seenAt]) => {
          expect(bytes).toEqual([...frames[i]!])
          end += frames[i]!.length
          expect(seenAt).toBeGreaterThanOrEqual(end) // not before its bytes were in
          // and not later than the first prefix that held them
          const cut = [...cuts, container.length].filter((c) => c >= end).sort((a, b) => a - b)[0]
          expect(seenAt).toBe(Math.min(cut ?? container.length, container.length))
        })
      }),
      { numRuns: 300 },
    )
  })

  it('hands on nothing when the directory does not hold for the declared length or count', () => {
    const container = encodeBatch([encodeWirePayload({ state: WireState.NotFound }), encodeWirePayload({ state: WireState.Success, ciphertext: Uint8Array.of(1, 2) })])
    for (const [declared, count] of [[container.length + 1, 2], [container.length, 3]] as const) {
      const got: number[] = []
      const progress = batchFrameProgress(count, (i) => got.push(i))
      for (let at = 1; at <= container.length; at++) progress(container.subarray(0, at), declared)
      expect(got).toEqual([])
    }
    const wrongMagic = Uint8Array.from(container)
    wrongMagic[0] = 0
    const got: number[] = []
    feed(wrongMagic, [5], batchFrameProgress(2, (i) => got.push(i)))
    expect(got).toEqual([])
  })
})
