import { getCurrentInstance, getCurrentScope, onMounted, onScopeDispose, readonly, shallowRef, toValue, watch, type MaybeRefOrGetter, type Ref } from 'vue'
import { IDLE, LOADING, imageIdentity, sameIdentity, startImageLoad, type PixstoreImageOptions, type PixstoreImageState, type PixstoreImageStatus } from '../bindings/image-load.js'
import type { ImageRecord } from '../types/index.js'

/** What the Vue composable returns: read-only refs. */
export interface PixstoreImageRefs {
  url: Readonly<Ref<string | null>>
  status: Readonly<Ref<PixstoreImageStatus>>
  error: Readonly<Ref<Error | null>>
}

/**
 * The object URL of a record's image (or its `variant`) as refs, for `setup()`: `record` and
 * `options` may be plain values, refs or getters. Built on getImageUrl, so an image shown twice
 * shares one URL and a cached token makes no request. In a component the load starts on mount (so
 * never during server-side rendering). The URL is released when the calling scope (the component) is disposed and when the record (id, token, key material) or the variant changes;
 * a load still running then is aborted, and if it resolves anyway its URL is released, never shown.
 *
 * @example
 * ```ts
 * const props = defineProps<{ record: ImageRecord; playerId: number }>()
 * const { url, status } = usePixstoreImage(() => props.record, () => ({ context: { playerId: props.playerId } }))
 * // <img v-if="status === 'ready'" :src="url" alt="">
 * ```
 */
export function usePixstoreImage<Context = Record<string, unknown>>(
  record: MaybeRefOrGetter<ImageRecord | null | undefined>,
  options: MaybeRefOrGetter<PixstoreImageOptions<Context> | undefined> = {},
): PixstoreImageRefs {
  const url = shallowRef<string | null>(null)
  const status = shallowRef<PixstoreImageStatus>('idle')
  const error = shallowRef<Error | null>(null)
  const show = (state: PixstoreImageState) => {
    url.value = state.url
    status.value = state.status
    error.value = state.error
  }
  let current: readonly unknown[] | undefined
  let stop: (() => void) | undefined
  const follow = () =>
    // The getter makes a new tuple on every run, so the callback compares identities itself: a new
    // context or a re-render with the same record must not reload.
    watch(
      () => imageIdentity(toValue(record), toValue(options)?.variant),
      (identity) => {
        if (current && sameIdentity(current, identity)) return
        current = identity
        stop?.()
        stop = undefined
        const value = toValue(record)
        if (!value) return show(IDLE)
        show(LOADING)
        stop = startImageLoad(value, toValue(options) ?? {}, show)
      },
      { immediate: true },
    )
  // In a component, loads start once it is mounted: server-side rendering never mounts, so it starts
  // no load it could not release (the first render shows the placeholder, status 'loading').
  if (getCurrentInstance()) {
    if (toValue(record)) show(LOADING)
    onMounted(follow)
  } else {
    follow()
  }
  if (getCurrentScope()) {
    onScopeDispose(() => {
      stop?.()
      stop = undefined
    })
  }
  return { url: readonly(url), status: readonly(status), error: readonly(error) }
}
