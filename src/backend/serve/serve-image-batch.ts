// Serving a batch: each item exactly as serveImage would serve it alone (its own proof check, its own
// state), in request order, under one directory. Frames keep the stored ciphertext as their body, so
// a batch naming one image N times holds that image once.
import { PixstoreError } from '../../shared/errors.js'
import { encodeBatchHeader } from '../../codec/index.js'
import { MAX_BATCH_ITEMS } from '../../shared/protocol.js'
import { frameLength, internalErrorFrame, type Frame } from './frame.js'
import { serveImage } from './serve-image.js'
import type { ServeState } from './serve-state.js'

/** One item of a batch as a transport read it (the fields of a GET). */
export interface ServeBatchItem {
  id: unknown
  token: unknown
  proof: unknown
  /** The variant asked for; absent, `undefined` or `null` for the original. */
  variant?: unknown
}

/** The scope every item's proof must carry: a value, or the application's callback for it. */
export interface BatchScope {
  scope?: unknown
  /** Called once per batch, not per item; may return a Promise and may throw. */
  resolveScope?: () => unknown
}

/** A served batch: the container's directory, then its frames in item order. */
export interface ServedBatch {
  directory: Uint8Array
  frames: Frame[]
  /** Bytes of the whole container. */
  length: number
}

// Items run concurrently, but at most this many at once: a 256-item batch must not start 256
// storage reads together. Repeats are cheap (proof cache, shared ciphertext loads).
const PARALLEL_ITEMS = 8

/**
 * Serves `items` (1 to MAX_BATCH_ITEMS; callers enforce their own, lower limit first) and never
 * rejects for anything an item holds: a failing item is its own state frame. Rejects with
 * `ARGUMENT_INVALID` only for an item count outside 1..MAX_BATCH_ITEMS (a caller's bug).
 *
 * @example
 * ```ts
 * const { directory, frames, length } = await serveImageBatch(readyState(), items, { scope })
 * res.cork(); res.write(directory); for (const f of frames) { res.write(f.header); if (f.body) res.write(f.body) }; res.end()
 * ```
 */
export async function serveImageBatch(state: ServeState | Promise<ServeState>, items: readonly ServeBatchItem[], scope: BatchScope = {}): Promise<ServedBatch> {
  if (!Array.isArray(items) || items.length < 1 || items.length > MAX_BATCH_ITEMS) {
    throw new PixstoreError('ARGUMENT_INVALID', `a batch holds 1 to ${MAX_BATCH_ITEMS} items`)
  }
  // The scope callback runs once; its result (or failure) is each item's, as for a single GET.
  let resolved: Promise<unknown> | undefined
  if (scope.resolveScope) {
    const resolveScope = scope.resolveScope
    resolved = (async () => resolveScope())()
    resolved.catch(() => {})
  }
  const frames = new Array<Frame>(items.length)
  let next = 0
  async function worker(): Promise<void> {
    while (next < items.length) {
      const i = next++
      const item: Partial<ServeBatchItem> | undefined = items[i]
      const id = item?.id
      const token = item?.token
      const proof = item?.proof
      const variant = item?.variant
      frames[i] = await serveImage(state, resolved ? { id, token, proof, variant, resolveScope: () => resolved } : { id, token, proof, variant, scope: scope.scope }).catch(
        internalErrorFrame,
      )
    }
  }
  await Promise.all(Array.from({ length: Math.min(PARALLEL_ITEMS, items.length) }, worker))
  const lengths = frames.map(frameLength)
  const directory = encodeBatchHeader(lengths)
  return { directory, frames, length: directory.length + lengths.reduce((a, b) => a + b, 0) }
}

/**
 * The container's parts in wire order (directory, then each frame's header and body), none copied.
 *
 * @example
 * ```ts
 * for (const part of batchParts(served)) socket.write(part)
 * ```
 */
export function batchParts(served: ServedBatch): Uint8Array[] {
  const parts = [served.directory]
  for (const f of served.frames) {
    parts.push(f.header)
    if (f.body && f.body.length > 0) parts.push(f.body)
  }
  return parts
}

/**
 * The whole container as one buffer (copies every frame), for callers that must return one payload.
 *
 * @example
 * ```ts
 * return joinBatch(await serveImageBatch(readyState(), items))
 * ```
 */
export function joinBatch(served: ServedBatch): Uint8Array {
  const out = new Uint8Array(served.length)
  let offset = 0
  for (const part of batchParts(served)) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}
