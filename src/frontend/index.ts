/**
 * `pixstore/frontend`: encrypted images into a cache that never goes stale.
 *
 * @example
 * ```ts
 * import { initPixstoreFrontend, getImageUrl } from 'pixstore/frontend'
 * initPixstoreFrontend({ endpointBaseUrl: '/pixstore-image' })
 * const handle = await getImageUrl(record)
 * if (handle) img.src = handle.url // handle.release() when the image leaves the screen
 * ```
 */
export { initPixstoreFrontend } from './init-pixstore-frontend.js'
export { getImage } from './get-image.js'
export { getImageUrl, type ImageUrlHandle } from './image-url.js'
export { getImageWithInfo, type ImageWithInfo } from './get-image-with-info.js'
export { deleteCachedImage } from './delete-cached-image.js'
export { cachedImageExists } from './cached-image-exists.js'
export { clearImageCache } from './clear-image-cache.js'
export { getCacheStats, type CacheStats } from './get-cache-stats.js'
export { acquireObjectUrl, type ObjectUrlHandle } from './object-url.js'
export { placeholderDataUrl, type ImageInfo } from './placeholder.js'
export { createHttpFetcher, type HttpFetcherOptions } from './fetch/http-fetcher.js'
export type { PixstoreFrontendConfig, RefreshRecord } from './config.js'
export type { GetImageContext } from './load-image.js'
export type { ImageRequestOptions } from './image-target.js'
export type { ImageSource } from './load-result.js'
export type { ImageFetcher, ImageFetchRequest, ImageRecord, ImageMeta, ImageVariant } from '../types/index.js'
export { PixstoreError, isPixstoreError, type PixstoreErrorCode } from '../shared/errors.js'
export {
  setErrorHandlingMode,
  setCustomErrorHandler,
  getLastPixstoreError,
  clearLastPixstoreError,
  type ErrorHandlingMode,
} from '../shared/error-handling.js'
// Which wire codec serves decoding (WASM or TS), for diagnostics pages; `initCodec` compiles the
// WASM module ahead of the first image.
export { getCodecInfo, initCodec, type CodecInfo } from '../codec/index.js'
