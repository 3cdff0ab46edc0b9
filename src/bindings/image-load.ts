// The one piece of logic pixstore/react and pixstore/vue share: load one image's object URL for a
// component, and make sure a load the component no longer wants (unmounted, record or variant
// changed) is aborted and its URL released, never shown. The frameworks only store the state.
import { handleError } from '../shared/error-handling.js'
import { acquireImageUrl } from '../frontend/image-url.js'
import { placeholderDataUrl } from '../frontend/placeholder.js'
import type { ImageRecord } from '../types/index.js'

/** Where a component's image is: no record, being loaded, on screen, or failed. */
export type PixstoreImageStatus = 'idle' | 'loading' | 'ready' | 'error'

/** What a binding hands the component. `url` is set only while `status` is `'ready'`. */
export interface PixstoreImageState {
  url: string | null
  status: PixstoreImageStatus
  error: Error | null
}

/** Options of usePixstoreImage (React and Vue) and the PixstoreImage components. */
export interface PixstoreImageOptions<Context = Record<string, unknown>> {
  /**
   * Passed to the fetcher as getImage's context (e.g. `{ playerId: 42 }`). The binding adds its own
   * `signal` (combined with one the context carries) so an unmount aborts the load. A new context
   * for the same image does not reload it: the cache is keyed by image, not by context.
   */
  context?: Context
  /** A variant name the record lists in `record.variants` (absent or null: the original). */
  variant?: string | null
}

export const IDLE: PixstoreImageState = Object.freeze({ url: null, status: 'idle', error: null }) as PixstoreImageState
export const LOADING: PixstoreImageState = Object.freeze({ url: null, status: 'loading', error: null }) as PixstoreImageState

/**
 * What identifies the image a component shows: a change of any of these is a different image
 * (a new version, other key material, another variant). Primitives, so frameworks can compare them
 * without holding a string derived from the key.
 */
export function imageIdentity(record: ImageRecord | null | undefined, variant: string | null | undefined): readonly unknown[] {
  if (!record) return [null, null, null, null, null, null]
  const meta = (record as Partial<ImageRecord>).meta
  return [record.id, record.token, meta?.key, meta?.iv, meta?.tag, variant ?? null]
}

/** True when two {@link imageIdentity} tuples name the same image. */
export function sameIdentity(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((value, i) => Object.is(value, b[i]))
}

/** The blurred preview and box size of `record` (or its variant) while its image loads. */
export function placeholderOf(record: ImageRecord | null | undefined, variant: string | null | undefined): { src: string | null; width?: number; height?: number } {
  const info = variant ? record?.variants?.[variant]?.info : record?.info
  if (!info) return { src: null }
  return { src: placeholderDataUrl(info), width: info.width, height: info.height }
}

function withSignal(context: unknown, signal: AbortSignal): object {
  const base = typeof context === 'object' && context !== null ? context : {}
  const own = (base as { signal?: unknown }).signal
  const combined = own instanceof AbortSignal ? AbortSignal.any([own, signal]) : signal
  return { ...base, signal: combined }
}

/**
 * Starts loading `record`'s object URL and reports the outcome once through `settle` (never after
 * the returned `stop()`). `stop()` aborts a load in flight and releases a URL it got, so a load that
 * resolves after the component moved on is released, never shown. Call `stop()` on unmount and
 * before loading another record or variant.
 *
 * @example
 * ```ts
 * const stop = startImageLoad(record, { context: { playerId: 42 } }, (state) => render(state))
 * // later, when the image leaves the screen:
 * stop()
 * ```
 */
export function startImageLoad<Context>(
  record: ImageRecord,
  options: PixstoreImageOptions<Context>,
  settle: (state: PixstoreImageState) => void,
): () => void {
  const controller = new AbortController()
  let stopped = false
  let release: (() => void) | undefined
  const variant = options.variant ?? undefined
  acquireImageUrl(record, withSignal(options.context, controller.signal), variant === undefined ? undefined : { variant }).then(
    (handle) => {
      if (stopped) return handle.release()
      release = () => handle.release()
      settle({ url: handle.url, status: 'ready', error: null })
    },
    (error: unknown) => {
      // The abort of our own stop() is no failure: nobody is left to show it.
      if (stopped) return
      const shown = error instanceof Error ? error : new Error(String(error))
      // Reported per the error mode like any public call (logged, custom handler, last error), but
      // never thrown: there is no caller to throw to, the component shows it instead.
      try {
        handleError(error)
      } catch {
        // 'throw' mode, or an error that is not a PixstoreError in 'hybrid'
      }
      settle({ url: null, status: 'error', error: shown })
    },
  )
  return () => {
    if (stopped) return
    stopped = true
    controller.abort()
    release?.()
  }
}
