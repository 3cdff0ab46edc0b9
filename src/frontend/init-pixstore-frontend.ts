import { setErrorHandlingMode } from '../shared/error-handling.js'
import { PixstoreError } from '../shared/errors.js'
import type { ImageFetcher } from '../types/index.js'
import { resolveFrontendConfig, type PixstoreFrontendConfig } from './config.js'
import { forgetImportedKeys } from './decrypt-image.js'
import { revokeAllImageUrls } from './image-url.js'
import { replaceRuntime } from './runtime.js'

/**
 * Configures the frontend (optional: defaults apply on first use) and optionally replaces the default
 * HTTP fetcher. Calling it again starts a fresh instance (empty hot tier, no imported key, every getImageUrl URL revoked, zeroed
 * counters); the persistent cache stays. A bad config throws `CONFIG_INVALID` whatever the error mode, and changes nothing.
 *
 * @example
 * ```ts
 * initPixstoreFrontend({ endpointBaseUrl: '/pixstore-image' })
 * // or serve images from your own route:
 * initPixstoreFrontend({}, async (record, context) => {
 *   const res = await fetch(`/api/images/${record.id}?token=${record.token}`, {
 *     headers: { 'x-pixstore-proof': record.statelessProof, authorization: context.jwt },
 *   })
 *   return new Uint8Array(await res.arrayBuffer())
 * })
 * ```
 */
export function initPixstoreFrontend(config: PixstoreFrontendConfig = {}, customFetcher?: ImageFetcher): void {
  const resolved = resolveFrontendConfig(config)
  if (customFetcher !== undefined && typeof customFetcher !== 'function') {
    throw new PixstoreError('CONFIG_INVALID', 'customFetcher must be a function')
  }
  // Only a mode this config names (its own property, checked by resolveFrontendConfig) is applied:
  // omitted, the mode the application or the backend's init set stays.
  if (resolved.errorHandlingMode !== undefined) setErrorHandlingMode(resolved.errorHandlingMode)
  forgetImportedKeys()
  revokeAllImageUrls()
  const runtime = replaceRuntime(resolved, customFetcher)
  // Open the cache now, while the page still fetches its records: the first image then finds it
  // open (a cold profile pays the database creation here, not before its first request).
  void runtime.store()
}
