// The low-level form of getImageUrl (which most pages want): an URL per Blob the caller already has.
// Several components often show the same image; with the hot tier they even get the same Blob.
// One object URL per Blob, counted, so no component revokes an URL another still displays and the
// last one out does not leak it.

/** A counted object URL; `release()` is idempotent. */
export interface ObjectUrlHandle {
  readonly url: string
  release(): void
}

const live = new Map<Blob, { url: string; count: number }>()

/**
 * Returns an object URL for `blob`, the same one for every holder of the same Blob; the last
 * `release()` revokes it. Releasing twice is harmless.
 *
 * @example
 * ```ts
 * const blob = await getImage(record)
 * const handle = acquireObjectUrl(blob!)
 * img.src = handle.url
 * // when the component unmounts:
 * handle.release()
 * ```
 */
export function acquireObjectUrl(blob: Blob): ObjectUrlHandle {
  if (typeof Blob === 'undefined' || !(blob instanceof Blob)) throw new TypeError('acquireObjectUrl needs a Blob')
  let entry = live.get(blob)
  if (!entry) {
    entry = { url: URL.createObjectURL(blob), count: 0 }
    live.set(blob, entry)
  }
  entry.count++
  const held = entry
  let released = false
  return {
    url: held.url,
    release() {
      if (released) return
      released = true
      held.count--
      if (held.count === 0) {
        live.delete(blob)
        URL.revokeObjectURL(held.url)
      }
    },
  }
}
