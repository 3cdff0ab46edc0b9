/**
 * `pixstore/react`: Pixstore images in React components (React 18.3 or 19, an optional peer dependency).
 * Initialise the frontend once with `initPixstoreFrontend` from `pixstore/frontend`, as without React.
 *
 * @example
 * ```tsx
 * import { PixstoreImage, usePixstoreImage } from 'pixstore/react'
 * <PixstoreImage record={record} context={{ playerId: 42 }} alt="Avatar" />
 * const { url, status, error } = usePixstoreImage(record, { variant: 'thumb' })
 * ```
 */
export { usePixstoreImage } from './use-pixstore-image.js'
export { PixstoreImage, type PixstoreImageProps } from './pixstore-image.js'
export type { PixstoreImageOptions, PixstoreImageState, PixstoreImageStatus } from '../bindings/image-load.js'
