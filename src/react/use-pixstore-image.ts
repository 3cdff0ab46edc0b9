import { useEffect, useRef, useState } from 'react'
import { IDLE, LOADING, imageIdentity, sameIdentity, startImageLoad, type PixstoreImageOptions, type PixstoreImageState } from '../bindings/image-load.js'
import type { ImageRecord } from '../types/index.js'

interface Held {
  identity: readonly unknown[]
  value: PixstoreImageState
}

/**
 * The object URL of `record`'s image (or its `variant`) for a React component: `{ url, status, error }`,
 * `status` one of `'idle'` (no record), `'loading'`, `'ready'` (then `url` is set) or `'error'`.
 * Built on getImageUrl, so an image shown twice shares one URL and a cached token makes no request.
 * The URL is released on unmount and when the record (id, token, key material) or the variant
 * changes; a load still running then is aborted, and if it resolves anyway its URL is released and
 * never returned. `url` is `null` from the render that changes the record on.
 *
 * @example
 * ```tsx
 * function Avatar({ record, playerId }: { record: ImageRecord; playerId: number }) {
 *   const { url, status } = usePixstoreImage(record, { context: { playerId }, variant: 'thumb' })
 *   return status === 'ready' ? <img src={url!} alt="" /> : <span className="skeleton" />
 * }
 * ```
 */
export function usePixstoreImage<Context = Record<string, unknown>>(
  record: ImageRecord | null | undefined,
  options: PixstoreImageOptions<Context> = {},
): PixstoreImageState {
  const identity = imageIdentity(record, options.variant)
  // The load reads the latest record and context when it starts; only the identity restarts it.
  const latest = useRef({ record, options })
  useEffect(() => {
    latest.current = { record, options }
  })
  const [held, setHeld] = useState<Held>(() => ({ identity, value: record ? LOADING : IDLE }))
  useEffect(() => {
    const { record: current, options: currentOptions } = latest.current
    const start: PixstoreImageState = current ? LOADING : IDLE
    setHeld((prev) => (sameIdentity(prev.identity, identity) && prev.value === start ? prev : { identity, value: start }))
    if (!current) return
    return startImageLoad(current, currentOptions, (value) => setHeld({ identity, value }))
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the identity tuple is the dependency list
  }, identity)
  // Between a change of record and the effect that follows it, the state still describes the old
  // image: never hand out its URL for the new record.
  if (!sameIdentity(held.identity, identity)) return record ? LOADING : IDLE
  return held.value
}
