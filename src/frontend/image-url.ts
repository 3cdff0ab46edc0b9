// The default way to put an image on screen. One object URL per image version and slot (id or
// variant + token + the slot's key material), shared by every holder: an image shown twice, or shown again after a
// re-render, keeps the same URL, so the browser reuses the image it already decoded instead of
// decoding a new blob: URL. The URL holds its Blob itself, so evicting the hot tier never revokes
// what is on screen. The last release revokes it after a grace period of one macrotask: a component
// that unmounts and mounts again in the same task (a re-render) gets the very same URL back.
// clearImageCache (logout) and a new initPixstoreFrontend revoke every URL at once.
import { handleError } from '../shared/error-handling.js'
import type { ImageRecord } from '../types/index.js'
import { materialTag } from './cache/hot-tier.js'
import { loadImage, type GetImageContext } from './load-image.js'
import { resolveTarget, variantOption, type ImageRequestOptions } from './image-target.js'
import { getRuntime } from './runtime.js'

/** A counted object URL of one image version; `release()` is idempotent. */
export interface ImageUrlHandle {
  readonly url: string
  release(): void
}

interface LiveUrl {
  readonly url: string
  readonly blob: Blob
  count: number
  revokeTimer: ReturnType<typeof setTimeout> | undefined
}

const live = new Map<string, LiveUrl>()
let unshared = 0


function hold(key: string, entry: LiveUrl): ImageUrlHandle {
  entry.count++
  if (entry.revokeTimer !== undefined) {
    clearTimeout(entry.revokeTimer)
    entry.revokeTimer = undefined
  }
  let released = false
  return {
    url: entry.url,
    release() {
      if (released) return
      released = true
      entry.count--
      if (entry.count > 0 || entry.revokeTimer !== undefined) return
      entry.revokeTimer = setTimeout(() => {
        entry.revokeTimer = undefined
        if (entry.count > 0) return
        if (live.get(key) === entry) live.delete(key)
        URL.revokeObjectURL(entry.url)
      }, 0)
    },
  }
}

/** Revokes every URL handed out (logout, a new frontend instance); later releases are no-ops. */
export function revokeAllImageUrls(): void {
  for (const entry of live.values()) {
    if (entry.revokeTimer !== undefined) clearTimeout(entry.revokeTimer)
    entry.count = Number.POSITIVE_INFINITY // releases of revoked handles must not schedule anything
    URL.revokeObjectURL(entry.url)
  }
  live.clear()
}

/** How many image URLs are live (held or within their grace period), for tests and diagnostics. */
export function liveImageUrlCount(): number {
  return live.size
}

/**
 * An object URL for `record`'s image, the same one for every caller holding that image version;
 * `release()` when the image leaves the screen (the URL is revoked one macrotask after the last
 * release, so a re-render that releases and re-acquires keeps it). Revoked for every holder by
 * clearImageCache() and initPixstoreFrontend(). `null` on failure per the error mode, like getImage.
 * An `Updated` answer (a newer version than the record) gets a URL of its own, shared with no one.
 * `{ variant: 'thumb' }` asks for a variant the record lists (its own URL; `VARIANT_UNKNOWN` otherwise).
 *
 * @example
 * ```ts
 * const handle = await getImageUrl(record, { signal: controller.signal })
 * if (handle) img.src = handle.url
 * // when the component unmounts:
 * handle?.release()
 * const thumb = await getImageUrl(record, undefined, { variant: 'thumb' })
 * ```
 */
export async function getImageUrl<Context = GetImageContext>(
  record: ImageRecord,
  context?: Context,
  options?: ImageRequestOptions,
): Promise<ImageUrlHandle | null> {
  try {
    const target = resolveTarget(record, variantOption(options))
    const key = `${record.token}:${target.slot}:${materialTag(target.meta)}`
    const existing = live.get(key)
    if (existing) {
      const counters = getRuntime().counters
      counters.hits++
      counters.hotHits++
      return hold(key, existing)
    }
    const result = await loadImage(record, context, options)
    // Another caller may have made the URL while this one loaded (same shared load, same Blob).
    const joined = live.get(key)
    if (joined) return hold(key, joined)
    const entry: LiveUrl = { url: URL.createObjectURL(result.blob), blob: result.blob, count: 0, revokeTimer: undefined }
    // Kept under a key no record names, so logout still revokes it.
    const own = result.token === record.token ? key : `unshared:${unshared++}`
    live.set(own, entry)
    return hold(own, entry)
  } catch (error) {
    return handleError(error)
  }
}
