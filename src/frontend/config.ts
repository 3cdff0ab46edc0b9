// Frontend configuration: pixstore 3.2.1's key names where they exist, plus the limits our cache adds.
// Validation happens once, in initPixstoreFrontend, so a bad value fails there and changes nothing.
import { PixstoreError } from '../shared/errors.js'
import { ERROR_HANDLING_MODES, type ErrorHandlingMode } from '../shared/error-handling.js'
import { DEFAULT_IMAGE_FORMATS } from '../shared/image-formats.js'
import type { ImageRecord } from '../types/index.js'

/** Gets a fresh record (new proof, maybe a newer token) when the endpoint rejected the proof. */
export type RefreshRecord = (record: ImageRecord) => Promise<ImageRecord>

/**
 * Options of {@link initPixstoreFrontend}; every key is optional.
 *
 * @example
 * ```ts
 * initPixstoreFrontend({ endpointBaseUrl: 'https://img.example.com/pixstore-image', frontendCacheMaxBytes: 64 << 20 })
 * ```
 */
export interface PixstoreFrontendConfig {
  /** Where the default fetcher GETs `${endpointBaseUrl}/${id}`; absolute (http/https) or same-origin path. */
  endpointBaseUrl?: string
  /** pixstore 3.2.1 keys, used when `endpointBaseUrl` is not set. */
  defaultEndpointConnectHost?: string
  defaultEndpointConnectPort?: number
  defaultEndpointRoute?: string
  /** Format names in format-byte order (1-based); must match the backend's list. */
  imageFormats?: readonly string[]
  frontendDbName?: string
  frontendDbVersion?: number
  imageStoreName?: string
  /** Most images kept in the persistent cache. */
  frontendImageCacheLimit?: number
  /** Most ciphertext bytes kept in the persistent cache. */
  frontendCacheMaxBytes?: number
  /** Most records one eviction transaction deletes before it commits and opens the next. */
  frontendCleanupBatch?: number
  /** Bytes of decrypted Blobs kept in memory (0 disables the hot tier). */
  frontendHotTierMaxBytes?: number
  /** A cache hit rewrites `lastUsed` at most once per this many milliseconds. */
  frontendTouchIntervalMs?: number
  /** `false` forces the in-memory store even where IndexedDB exists. */
  useIndexedDB?: boolean
  /** Retries of the default fetcher after a network error (never after a wire error state). */
  fetchRetries?: number
  /** First retry delay; each next one doubles. */
  fetchRetryDelayMs?: number
  errorHandlingMode?: ErrorHandlingMode
  /** Called once when the endpoint answers `InvalidProof`/`MissingProof`; the call retries with its record. */
  refreshRecord?: RefreshRecord
}

export interface ResolvedFrontendConfig {
  endpointBaseUrl: string
  imageFormats: readonly string[]
  frontendDbName: string
  frontendDbVersion: number
  imageStoreName: string
  frontendImageCacheLimit: number
  frontendCacheMaxBytes: number
  frontendCleanupBatch: number
  frontendHotTierMaxBytes: number
  frontendTouchIntervalMs: number
  useIndexedDB: boolean
  fetchRetries: number
  fetchRetryDelayMs: number
  refreshRecord: RefreshRecord | undefined
}

export const DEFAULT_ENDPOINT_ROUTE = '/pixstore-image'

const DEFAULTS: Omit<ResolvedFrontendConfig, 'endpointBaseUrl' | 'refreshRecord'> = {
  imageFormats: DEFAULT_IMAGE_FORMATS,
  frontendDbName: 'pixstore',
  // 2, above pixstore 3.2.1's 1, so an application upgrading from it adopts its cache on first open.
  frontendDbVersion: 2,
  imageStoreName: 'images',
  frontendImageCacheLimit: 1000,
  frontendCacheMaxBytes: 200 * 1024 * 1024,
  frontendCleanupBatch: 50,
  frontendHotTierMaxBytes: 32 * 1024 * 1024,
  frontendTouchIntervalMs: 60_000,
  useIndexedDB: true,
  fetchRetries: 2,
  fetchRetryDelayMs: 100,
}

function invalid(message: string): never {
  throw new PixstoreError('CONFIG_INVALID', message)
}

function integer(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    invalid(`${name} must be an integer from ${min} to ${max}`)
  }
  return value
}

function text(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') invalid(`${name} must be a non-empty string`)
  return value
}

function endpointBaseUrl(config: PixstoreFrontendConfig): string {
  if (config.endpointBaseUrl !== undefined) {
    const base = text('endpointBaseUrl', config.endpointBaseUrl)
    if (!/^(https?:\/\/[^/]+|\/)/i.test(base)) invalid('endpointBaseUrl must start with http://, https:// or /')
    return base.replace(/\/+$/, '')
  }
  const route = config.defaultEndpointRoute === undefined ? DEFAULT_ENDPOINT_ROUTE : text('defaultEndpointRoute', config.defaultEndpointRoute)
  if (!route.startsWith('/')) invalid('defaultEndpointRoute must start with /')
  const host = config.defaultEndpointConnectHost
  const port = config.defaultEndpointConnectPort
  if (host === undefined && port === undefined) return route.replace(/\/+$/, '')
  const h = host === undefined ? '127.0.0.1' : text('defaultEndpointConnectHost', host)
  if (/[/\s@]/.test(h)) invalid('defaultEndpointConnectHost must be a bare host name')
  const p = port === undefined ? 3001 : integer('defaultEndpointConnectPort', port, 1, 65_535)
  return `http://${h.includes(':') && !h.startsWith('[') ? `[${h}]` : h}:${p}${route.replace(/\/+$/, '')}`
}

/** Checks every key and fills defaults. Throws `CONFIG_INVALID` naming the first bad key. */
export function resolveFrontendConfig(config: PixstoreFrontendConfig = {}): ResolvedFrontendConfig {
  if (config === null || typeof config !== 'object') invalid('config must be an object')
  const c = { ...DEFAULTS }
  if (config.imageFormats !== undefined) {
    const formats = config.imageFormats
    if (!Array.isArray(formats) || formats.length === 0 || formats.length > 255 || !formats.every((f) => typeof f === 'string' && f !== '')) {
      invalid('imageFormats must be a non-empty list of format names')
    }
    c.imageFormats = [...formats]
  }
  if (config.frontendDbName !== undefined) c.frontendDbName = text('frontendDbName', config.frontendDbName)
  if (config.frontendDbVersion !== undefined) c.frontendDbVersion = integer('frontendDbVersion', config.frontendDbVersion, 1)
  if (config.imageStoreName !== undefined) c.imageStoreName = text('imageStoreName', config.imageStoreName)
  if (config.frontendImageCacheLimit !== undefined) c.frontendImageCacheLimit = integer('frontendImageCacheLimit', config.frontendImageCacheLimit, 1)
  if (config.frontendCacheMaxBytes !== undefined) c.frontendCacheMaxBytes = integer('frontendCacheMaxBytes', config.frontendCacheMaxBytes, 1)
  if (config.frontendCleanupBatch !== undefined) c.frontendCleanupBatch = integer('frontendCleanupBatch', config.frontendCleanupBatch, 1)
  if (config.frontendHotTierMaxBytes !== undefined) c.frontendHotTierMaxBytes = integer('frontendHotTierMaxBytes', config.frontendHotTierMaxBytes, 0)
  if (config.frontendTouchIntervalMs !== undefined) c.frontendTouchIntervalMs = integer('frontendTouchIntervalMs', config.frontendTouchIntervalMs, 0)
  if (config.useIndexedDB !== undefined) {
    if (typeof config.useIndexedDB !== 'boolean') invalid('useIndexedDB must be a boolean')
    c.useIndexedDB = config.useIndexedDB
  }
  if (config.fetchRetries !== undefined) c.fetchRetries = integer('fetchRetries', config.fetchRetries, 0, 10)
  if (config.fetchRetryDelayMs !== undefined) c.fetchRetryDelayMs = integer('fetchRetryDelayMs', config.fetchRetryDelayMs, 0, 60_000)
  if (config.errorHandlingMode !== undefined && !ERROR_HANDLING_MODES.includes(config.errorHandlingMode)) {
    invalid(`errorHandlingMode must be one of ${ERROR_HANDLING_MODES.join(', ')}`)
  }
  if (config.refreshRecord !== undefined && typeof config.refreshRecord !== 'function') invalid('refreshRecord must be a function')
  return { ...c, endpointBaseUrl: endpointBaseUrl(config), refreshRecord: config.refreshRecord }
}
