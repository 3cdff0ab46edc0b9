// The body reader: a declared Content-Length sizes one buffer (each chunk copied once, into place);
// whatever the declared length says, the bytes returned are exactly the body's, and the cap holds.
import { describe, expect, it } from 'vitest'
import { readCappedBody } from '../../src/frontend/fetch/read-capped-body.js'

function response(chunks: Uint8Array[], declared?: number): Response {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk)
      controller.close()
    },
  })
  return new Response(stream, { headers: declared === undefined ? {} : { 'content-length': String(declared) } })
}

const body = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 255)
const split = (at: number[]) => [0, ...at].map((from, i, all) => body.slice(from, all[i + 1] ?? body.length))

describe('readCappedBody', () => {
  for (const [name, declared] of [
    ['exact declared length', 1000],
    ['declared shorter than the body (an encoded length)', 400],
    ['declared longer than the body', 5000],
    ['no declared length', undefined],
  ] as const) {
    it(`${name}: the exact bytes, in one or many chunks`, async () => {
      for (const cuts of [[], [1], [10, 500, 999], [333, 666]]) {
        const got = await readCappedBody(response(split(cuts), declared), 10_000)
        expect(got).toEqual(body)
      }
    })
  }

  it('the cap holds whatever the declared length', async () => {
    await expect(readCappedBody(response(split([100, 600]), 400), 999)).rejects.toMatchObject({ code: 'FETCH_TOO_LARGE' })
    await expect(readCappedBody(response(split([100, 600])), 999)).rejects.toMatchObject({ code: 'FETCH_TOO_LARGE' })
    expect(await readCappedBody(response(split([100, 600]), 1000), 1000)).toEqual(body)
  })

  it('onProgress sees every prefix of the body while it fills its declared length, and nothing else', async () => {
    for (const cuts of [[], [1], [10, 500, 999], [333, 666]]) {
      const seen: Array<[number[], number]> = []
      const got = await readCappedBody(response(split(cuts), 1000), 10_000, (received, declared) => seen.push([[...received], declared]))
      expect(got).toEqual(body)
      expect(seen.map(([bytes]) => bytes.length)).toEqual([...cuts, 1000])
      for (const [bytes, declared] of seen) {
        expect(declared).toBe(1000)
        expect(bytes).toEqual([...body.subarray(0, bytes.length)])
      }
    }
    // No declared length, or one the body runs past: no prefix can be promised, none is reported.
    let calls = 0
    await readCappedBody(response(split([100])), 10_000, () => calls++)
    expect(calls).toBe(0)
    await readCappedBody(response(split([100, 600]), 400), 10_000, () => calls++)
    expect(calls).toBe(1) // the first 100 bytes, before the body ran past the 400 declared
  })
})
