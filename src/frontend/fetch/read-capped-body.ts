// A response body read against a byte cap while it arrives, so a hostile or broken server cannot
// make the client hold more than the cap: the read stops (and the stream is cancelled) at the first
// chunk past it, and a Content-Length above it is refused before any body byte is read.
import { PixstoreError } from '../../shared/errors.js'

function tooLarge(what: string, maxBytes: number): PixstoreError {
  return new PixstoreError('FETCH_TOO_LARGE', `image endpoint answered ${what}, over maxResponseBytes (${maxBytes})`)
}

/**
 * Sees the body while it arrives: `received` is the bytes so far, a prefix of exactly what
 * readCappedBody will return, `declaredLength` the Content-Length they will add up to. Called after
 * each chunk, only while the body fills the buffer its Content-Length sized (never for a body without
 * one, nor once it ran past it). A view: valid to read, never to keep beyond the bytes it holds now.
 */
export type BodyProgress = (received: Uint8Array, declaredLength: number) => void

/**
 * The whole body of `response`, at most `maxBytes`. Throws `FETCH_TOO_LARGE` past the cap.
 * `onProgress` (see BodyProgress) lets a caller start on the first bytes, say a batch's first
 * frames, before the last ones arrived.
 *
 * @example
 * ```ts
 * const bytes = await readCappedBody(await fetch(url), 26 << 20)
 * ```
 */
export async function readCappedBody(response: Response, maxBytes: number, onProgress?: BodyProgress): Promise<Uint8Array> {
  const declared = response.headers.get('content-length')
  if (declared !== null && Number(declared) > maxBytes) {
    await response.body?.cancel().catch(() => {})
    throw tooLarge(`a Content-Length of ${declared} bytes`, maxBytes)
  }
  if (!response.body) {
    // No stream on this platform: the cap still holds for what is returned, if not while reading.
    const whole = new Uint8Array(await response.arrayBuffer())
    if (whole.length > maxBytes) throw tooLarge(`${whole.length} bytes`, maxBytes)
    return whole
  }
  const reader = response.body.getReader()
  // A declared length (within the cap) sizes one buffer up front: each chunk is copied once, into
  // place, instead of kept and copied again at the end. The declared length is a hint only (with a
  // content encoding it counts the encoded bytes): a body longer than it continues in chunks.
  const hint = declared !== null && /^\d+$/.test(declared) ? Number(declared) : -1
  const whole = hint > 0 ? new Uint8Array(hint) : undefined
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    if (total + value.length > maxBytes) {
      await reader.cancel().catch(() => {})
      throw tooLarge(`more than ${maxBytes} bytes`, maxBytes)
    }
    if (whole && chunks.length === 0 && total + value.length <= whole.length) {
      whole.set(value, total)
      total += value.length
      onProgress?.(whole.subarray(0, total), whole.length)
      continue
    }
    if (whole && chunks.length === 0) chunks.push(whole.subarray(0, total))
    chunks.push(value)
    total += value.length
  }
  if (whole && chunks.length === 0) return total === whole.length ? whole : whole.subarray(0, total)
  if (chunks.length === 1) return chunks[0]!
  const out = new Uint8Array(total)
  let at = 0
  for (const chunk of chunks) {
    out.set(chunk, at)
    at += chunk.length
  }
  return out
}
