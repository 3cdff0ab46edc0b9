/**
 * `pixstore/vue`: Pixstore images in Vue 3 components (Vue an optional peer dependency).
 * Initialise the frontend once with `initPixstoreFrontend` from `pixstore/frontend`, as without Vue.
 *
 * @example
 * ```ts
 * import { PixstoreImage, usePixstoreImage } from 'pixstore/vue'
 * const { url, status, error } = usePixstoreImage(() => props.record, { context: { playerId: 42 } })
 * // or in a template: <PixstoreImage :record="record" alt="Avatar" />
 * ```
 */
export { usePixstoreImage, type PixstoreImageRefs } from './use-pixstore-image.js'
export { PixstoreImage } from './pixstore-image.js'
export type { PixstoreImageOptions, PixstoreImageState, PixstoreImageStatus } from '../bindings/image-load.js'
