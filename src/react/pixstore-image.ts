import { createElement, type ImgHTMLAttributes, type ReactElement } from 'react'
import { placeholderOf, type PixstoreImageOptions } from '../bindings/image-load.js'
import type { ImageRecord } from '../types/index.js'
import { usePixstoreImage } from './use-pixstore-image.js'

/** Props of {@link PixstoreImage}: the record, the usePixstoreImage options, and any `<img>` attribute but `src`. */
export interface PixstoreImageProps<Context = Record<string, unknown>>
  extends Omit<ImgHTMLAttributes<HTMLImageElement>, 'src'>,
    PixstoreImageOptions<Context> {
  record: ImageRecord | null | undefined
}

/**
 * An `<img>` showing `record`'s image through {@link usePixstoreImage}. Until the image is ready it
 * shows the record's blurred placeholder (record.info.placeholder) and reserves the box with
 * record.info's width and height (attributes you pass win), so the layout does not jump.
 * `data-pixstore-status` carries the status for CSS (`img[data-pixstore-status="error"]`).
 *
 * @example
 * ```tsx
 * <PixstoreImage record={record} variant="thumb" context={{ playerId: 42 }} alt="Avatar" className="avatar" />
 * ```
 */
export function PixstoreImage<Context = Record<string, unknown>>(props: PixstoreImageProps<Context>): ReactElement {
  const { record, variant, context, ...img } = props
  const { url, status } = usePixstoreImage(record, { context, variant })
  const placeholder = placeholderOf(record, variant)
  return createElement('img', {
    width: placeholder.width,
    height: placeholder.height,
    ...img,
    src: url ?? placeholder.src ?? undefined,
    'data-pixstore-status': status,
  })
}
