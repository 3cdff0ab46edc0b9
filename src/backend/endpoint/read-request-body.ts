// A node:http request body, read whole but never past a byte limit: a Content-Length above it is
// refused before a byte is read, and a body that grows past it is abandoned at that point. Timeouts
// are the server's (the built-in endpoint's socket idle timeout and requestTimeout destroy a stalled
// upload, which ends this read as "aborted").
import type { IncomingMessage } from 'node:http'

/** The body, or why there is none. */
export type BodyResult = { ok: true; bytes: Uint8Array } | { ok: false; reason: 'too-large' | 'aborted' }

/**
 * Reads `req`'s body up to `maxBytes`.
 *
 * @example
 * ```ts
 * const body = await readRequestBody(req, 64 * 1024)
 * if (!body.ok && body.reason === 'too-large') return answer413()
 * ```
 */
export function readRequestBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const declared = req.headers['content-length']
  if (declared !== undefined && !(Number(declared) <= maxBytes)) return Promise.resolve({ ok: false, reason: 'too-large' })
  // Gone already (its 'close' may have fired while the caller awaited something): nothing to read.
  if (req.destroyed) return Promise.resolve({ ok: false, reason: 'aborted' })
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    const finish = (result: BodyResult) => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('close', onClose)
      resolve(result)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        // Stop taking bytes: the caller answers 413 and closes the connection.
        req.pause()
        chunks.length = 0
        return finish({ ok: false, reason: 'too-large' })
      }
      chunks.push(chunk)
    }
    const onEnd = () => finish({ ok: true, bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) })
    const onClose = () => finish({ ok: false, reason: 'aborted' })
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('close', onClose)
  })
}
