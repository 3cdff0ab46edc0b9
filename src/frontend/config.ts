// Frontend configuration: pixstore 3.2.1's key names where they exist, plus the limits our cache adds.
// Validation happens once, in initPixstoreFrontend, so a bad value fails there and changes nothing.
// Read through shared/config-reader like the backend's: own properties only (a polluted
// Object.prototype sets nothing, least of all the URL proofs are sent to), unknown keys rejected.
import { PixstoreError } from '../shared/errors.js'
import { ERROR_HANDLING_MODES, type ErrorHandlingMode } from '../shared/error-handling.js'
import { DEFAULT_IMAGE_FORMATS } from '../shared/image-formats.js'
import { configBoolean, configFunction, configInteger, configOneOf, configString, readConfig } from '../shared/config-reader.js'
import { DEFAULT_ENDPOINT_HOST, DEFAULT_ENDPOINT_PORT, DEFAULT_ENDPOINT_ROUTE } from '../shared/protocol.js'
import { DEFAULT_FETCH_TIMEOUT_MS, DEFAULT_MAX_RESPONSE_BYTES } from './fetch/fetch-limits.js'
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
  /** Largest answer the default fetcher reads, checked while reading (default: the largest frame a default backend sends). */
  maxResponseBytes?: number
  /** Deadline of one default-fetcher call, all attempts and waits included (default 30 s). */
  fetchTimeoutMs?: number
  /** Most images one batch request asks for (1 to 256, default 64; 1 turns batching off). */
  maxBatchItems?: number
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
  maxResponseBytes: number
  fetchTimeoutMs: number
  maxBatchItems: number
  /** As read from the config's own properties; undefined leaves the mode as it is. */
  errorHandlingMode: ErrorHandlingMode | undefined
  refreshRecord: RefreshRecord | undefined
}

const KEYS = [
  'endpointBaseUrl',
  'defaultEndpointConnectHost',
  'defaultEndpointConnectPort',
  'defaultEndpointRoute',
  'imageFormats',
  'frontendDbName',
  'frontendDbVersion',
  'imageStoreName',
  'frontendImageCacheLimit',
  'frontendCacheMaxBytes',
  'frontendCleanupBatch',
  'frontendHotTierMaxBytes',
  'frontendTouchIntervalMs',
  'useIndexedDB',
  'fetchRetries',
  'fetchRetryDelayMs',
  'maxResponseBytes',
  'fetchTimeoutMs',
  'maxBatchItems',
  'errorHandlingMode',
  'refreshRecord',
] as const satisfies readonly (keyof PixstoreFrontendConfig)[]

type ReadFrontendConfig = ReturnType<typeof readConfig<(typeof KEYS)[number]>>

const DEFAULTS: Omit<ResolvedFrontendConfig, 'endpointBaseUrl' | 'refreshRecord' | 'errorHandlingMode'> = {
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
  maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
  fetchTimeoutMs: DEFAULT_FETCH_TIMEOUT_MS,
  maxBatchItems: 64,
}

function invalid(message: string): never {
  throw new PixstoreError('CONFIG_INVALID', message)
}

function endpointBaseUrl(config: ReadFrontendConfig): string {
  if (config.endpointBaseUrl !== undefined) {
    const base = configString('endpointBaseUrl', config.endpointBaseUrl)
    if (!/^(https?:\/\/[^/]+|\/)/i.test(base)) invalid('endpointBaseUrl must start with http://, https:// or /')
    return base.replace(/\/+$/, '')
  }
  const route = config.defaultEndpointRoute === undefined ? DEFAULT_ENDPOINT_ROUTE : configString('defaultEndpointRoute', config.defaultEndpointRoute)
  if (!route.startsWith('/')) invalid('defaultEndpointRoute must start with /')
  const host = config.defaultEndpointConnectHost
  const port = config.defaultEndpointConnectPort
  if (host === undefined && port === undefined) return route.replace(/\/+$/, '')
  const h = host === undefined ? DEFAULT_ENDPOINT_HOST : configString('defaultEndpointConnectHost', host)
  if (/[/\s@]/.test(h)) invalid('defaultEndpointConnectHost must be a bare host name')
  const p = port === undefined ? DEFAULT_ENDPOINT_PORT : configInteger('defaultEndpointConnectPort', port, 1, 65_535)
  return `http://${h.includes(':') && !h.startsWith('[') ? `[${h}]` : h}:${p}${route.replace(/\/+$/, '')}`
}

/** Checks every key and fills defaults. Throws `CONFIG_INVALID` naming the first bad or unknown key. */
export function resolveFrontendConfig(userConfig: PixstoreFrontendConfig = {}): ResolvedFrontendConfig {
  const config = readConfig(userConfig, KEYS)
  const c = { ...DEFAULTS }
  if (config.imageFormats !== undefined) {
    const formats = config.imageFormats
    if (!Array.isArray(formats) || formats.length === 0 || formats.length > 255 || !formats.every((f) => typeof f === 'string' && f !== '')) {
      invalid('imageFormats must be a non-empty list of format names')
    }
    c.imageFormats = [...(formats as string[])]
  }
  if (config.frontendDbName !== undefined) c.frontendDbName = configString('frontendDbName', config.frontendDbName)
  if (config.frontendDbVersion !== undefined) c.frontendDbVersion = configInteger('frontendDbVersion', config.frontendDbVersion, 1)
  if (config.imageStoreName !== undefined) c.imageStoreName = configString('imageStoreName', config.imageStoreName)
  if (config.frontendImageCacheLimit !== undefined) c.frontendImageCacheLimit = configInteger('frontendImageCacheLimit', config.frontendImageCacheLimit, 1)
  if (config.frontendCacheMaxBytes !== undefined) c.frontendCacheMaxBytes = configInteger('frontendCacheMaxBytes', config.frontendCacheMaxBytes, 1)
  if (config.frontendCleanupBatch !== undefined) c.frontendCleanupBatch = configInteger('frontendCleanupBatch', config.frontendCleanupBatch, 1)
  if (config.frontendHotTierMaxBytes !== undefined) c.frontendHotTierMaxBytes = configInteger('frontendHotTierMaxBytes', config.frontendHotTierMaxBytes, 0)
  if (config.frontendTouchIntervalMs !== undefined) c.frontendTouchIntervalMs = configInteger('frontendTouchIntervalMs', config.frontendTouchIntervalMs, 0)
  if (config.useIndexedDB !== undefined) c.useIndexedDB = configBoolean('useIndexedDB', config.useIndexedDB)
  if (config.fetchRetries !== undefined) c.fetchRetries = configInteger('fetchRetries', config.fetchRetries, 0, 10)
  if (config.fetchRetryDelayMs !== undefined) c.fetchRetryDelayMs = configInteger('fetchRetryDelayMs', config.fetchRetryDelayMs, 0, 60_000)
  if (config.maxResponseBytes !== undefined) c.maxResponseBytes = configInteger('maxResponseBytes', config.maxResponseBytes, 1)
  // Up to a day: a timer past 2^31-1 ms fires at once, which would fail every request.
  if (config.fetchTimeoutMs !== undefined) c.fetchTimeoutMs = configInteger('fetchTimeoutMs', config.fetchTimeoutMs, 1, 86_400_000)
  if (config.maxBatchItems !== undefined) c.maxBatchItems = configInteger('maxBatchItems', config.maxBatchItems, 1, 256)
  const errorHandlingMode = config.errorHandlingMode === undefined ? undefined : configOneOf('errorHandlingMode', config.errorHandlingMode, ERROR_HANDLING_MODES)
  const refreshRecord = config.refreshRecord === undefined ? undefined : configFunction<RefreshRecord>('refreshRecord', config.refreshRecord)
  return { ...c, endpointBaseUrl: endpointBaseUrl(config), errorHandlingMode, refreshRecord }
}
