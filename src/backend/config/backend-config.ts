// Backend configuration: pixstore 3.2.1's keys where they still make sense, plus ours. Validated up
// front with messages naming the key; defaults are the product's (no test setting leaks in). Read
// through the shared config reader (own properties only, unknown keys refused), as the frontend's.
import { configBoolean, configInteger, configOneOf, readConfig } from '../../shared/config-reader.js'
import { PixstoreError } from '../../shared/errors.js'
import { ERROR_HANDLING_MODES, type ErrorHandlingMode } from '../../shared/error-handling.js'
import { DEFAULT_IMAGE_FORMATS } from '../../shared/image-formats.js'
import { DEFAULT_ENDPOINT_HOST, DEFAULT_MAX_IMAGE_BYTES, DEFAULT_ENDPOINT_PORT, DEFAULT_ENDPOINT_ROUTE } from '../../shared/protocol.js'
import { MAX_BATCH_ITEMS } from '../../shared/protocol.js'
import type { IncomingMessage } from 'node:http'
import { readServeHooks, type AuthorizeHook, type ServedHook } from '../serve/serve-hooks.js'
import { resolveStorageConfig, type StorageConfig } from '../storage/create-storage.js'
import type { VariantPreset } from '../../types/index.js'
import { resolveVariantPresets, type ResolvedVariantPreset } from './variant-presets.js'

/** A secret: a string (UTF-8, ≥ 32 bytes) or bytes (≥ 32). */
export type SecretInput = string | Uint8Array

/** Options of `initPixstoreBackend`. Every key is optional. */
export interface PixstoreBackendConfig {
  /** Data directory for the embedded store and the generated secret. Default `./.pixstore`. */
  dataDir?: string
  /** Storage adapter. Default SQLite in `dataDir`, or PostgreSQL when `PIXSTORE_DATABASE_URL` is set. */
  storage?: StorageConfig
  /** Signs proofs and wraps image keys. Default `PIXSTORE_SECRET`, else a random one in `<dataDir>/secret`. */
  secret?: SecretInput
  /** Earlier secrets, still accepted for proofs and for unwrapping keys (rotation). */
  previousSecrets?: SecretInput[]
  /** Format names in format-byte order (1-based). Default png, webp, jpg, jpeg, gif, avif. */
  imageFormats?: string[]
  /** Largest image accepted, in bytes. Default 25 MiB. */
  maxImageBytes?: number
  /**
   * Largest image accepted, in pixels (width × height, read from the headers before any decode, so a
   * decompression bomb is refused unread: `IMAGE_TOO_MANY_PIXELS`). Default 50,000,000 (as imgproxy).
   */
  maxImagePixels?: number
  /** Most frames an animated image (GIF, APNG, WebP) may have (`IMAGE_TOO_MANY_FRAMES`). Default 1000. */
  maxImageFrames?: number
  /**
   * Store originals with their EXIF, XMP, IPTC and comments (GPS position, camera serial, embedded
   * thumbnails). Default false: they are dropped losslessly at save/update; the colour profile and the
   * displayed orientation always stay.
   */
  keepMetadata?: boolean
  /**
   * Resize presets (an allowlist, at most 8): each saved or updated image also gets one encrypted
   * variant per preset, e.g. `{ thumb: { width: 320, height: 320 } }` (fit `inside`, format `webp` by
   * default; never enlarged). Clients can only ask for these names. After changing them, run
   * `regenerateVariants()`. Default none.
   */
  variants?: Record<string, VariantPreset>
  /** Lifetime of a stateless proof (ms). Default 5 minutes. */
  proofTtlMs?: number
  /** pixstore 3.2.1's name for the proof lifetime (ms); `proofTtlMs` wins when both are set. */
  statelessKeyWindowLength?: number
  /** Start the built-in endpoint in `initPixstoreBackend`. Default true (as pixstore). */
  defaultEndpointEnabled?: boolean
  /** Route of the built-in endpoint. Default `/pixstore-image`. */
  defaultEndpointRoute?: string
  /** Listen address. Default `127.0.0.1`; use `0.0.0.0` (or a reverse proxy) to expose it. */
  defaultEndpointListenHost?: string
  /** Listen port (0 = any free port). Default 3001. */
  defaultEndpointListenPort?: number
  /**
   * The built-in endpoint drops a connection on which nothing was read or written for this long (ms),
   * e.g. a client that stopped reading its response. Default 30,000.
   */
  defaultEndpointTimeoutMs?: number
  /** CORS `Access-Control-Allow-Origin`. Default none: only same-origin pages may read responses. */
  accessControlAllowOrigin?: string
  /**
   * Error handling mode of public calls (process-wide). Applied only when given: omitted, the mode
   * the application (or the frontend's init) set stays; the initial mode is `hybrid`.
   */
  errorHandlingMode?: ErrorHandlingMode
  /** How many verified proofs are remembered to skip their HMAC. Default 10,000; 0 disables. */
  proofCacheSize?: number
  /**
   * Memory for serving hot images without re-reading their ciphertext (bytes). Default 64 MiB;
   * 0 disables. Safe with many processes: the current token is read from storage on every request.
   */
  ciphertextCacheBytes?: number
  /**
   * Most images one batch request (`POST {route}`) may ask for; more is answered 413. Default 64,
   * 1 to 256. Also the limit of `customEndpointBatchHelper` and, unless given their own, the adapters.
   */
  maxBatchItems?: number
  /**
   * Largest batch request body read (bytes); a longer one is refused with 413 without being read
   * whole. Default 64 KiB (room for 64 items with long ids and proofs).
   */
  maxBatchRequestBytes?: number
  /**
   * The built-in endpoint asks this once per request (a batch is one) before reading anything:
   * `{ allow: false, status: 401 | 403, reason? }` answers that status and no image; `{ allow: true,
   * scope? }` serves it, every proof having to carry `scope` (absent: none). A throw answers 500.
   */
  authorize?: AuthorizeHook<IncomingMessage>
  /**
   * The built-in endpoint reports one event per served image (per batch item) here, once its answer
   * was written or failed: id, variant, state, bytes, duration, never a proof, key or scope. A throw
   * is swallowed (reported once via console.warn).
   */
  onServed?: ServedHook
}

/** The validated, complete config. */
export interface ResolvedBackendConfig {
  dataDir: string
  storage: StorageConfig | undefined
  secret: SecretInput | undefined
  previousSecrets: SecretInput[]
  imageFormats: string[]
  maxImageBytes: number
  maxImagePixels: number
  maxImageFrames: number
  keepMetadata: boolean
  /** The presets in name order (empty: no variants). */
  variants: ResolvedVariantPreset[]
  proofTtlMs: number
  defaultEndpointEnabled: boolean
  defaultEndpointRoute: string
  defaultEndpointListenHost: string
  defaultEndpointListenPort: number
  defaultEndpointTimeoutMs: number
  accessControlAllowOrigin: string | undefined
  /** `undefined` when the config named none: init then leaves the process-wide mode alone. */
  errorHandlingMode: ErrorHandlingMode | undefined
  proofCacheSize: number
  ciphertextCacheBytes: number
  maxBatchItems: number
  maxBatchRequestBytes: number
  authorize: AuthorizeHook<IncomingMessage> | undefined
  onServed: ServedHook | undefined
}

/** Batch request limits; the same ranges apply to the adapters' own options. */
export const DEFAULT_MAX_BATCH_ITEMS = 64
export const DEFAULT_MAX_BATCH_REQUEST_BYTES = 64 * 1024
export const MIN_BATCH_REQUEST_BYTES = 1024
export const MAX_BATCH_REQUEST_BYTES = 16 * 1024 * 1024

export const DEFAULT_BACKEND_CONFIG: Readonly<ResolvedBackendConfig> = Object.freeze({
  dataDir: './.pixstore',
  storage: undefined,
  secret: undefined,
  previousSecrets: [],
  imageFormats: [...DEFAULT_IMAGE_FORMATS],
  maxImageBytes: DEFAULT_MAX_IMAGE_BYTES,
  maxImagePixels: 50_000_000,
  maxImageFrames: 1000,
  keepMetadata: false,
  variants: [],
  proofTtlMs: 5 * 60_000,
  defaultEndpointEnabled: true,
  defaultEndpointRoute: DEFAULT_ENDPOINT_ROUTE,
  defaultEndpointListenHost: DEFAULT_ENDPOINT_HOST,
  defaultEndpointListenPort: DEFAULT_ENDPOINT_PORT,
  defaultEndpointTimeoutMs: 30_000,
  accessControlAllowOrigin: undefined,
  errorHandlingMode: undefined,
  proofCacheSize: 10_000,
  ciphertextCacheBytes: 64 * 1024 * 1024,
  maxBatchItems: DEFAULT_MAX_BATCH_ITEMS,
  maxBatchRequestBytes: DEFAULT_MAX_BATCH_REQUEST_BYTES,
  authorize: undefined,
  onServed: undefined,
})

const KNOWN_KEYS = [...(Object.keys(DEFAULT_BACKEND_CONFIG) as (keyof ResolvedBackendConfig)[]), 'statelessKeyWindowLength'] as const

function invalid(message: string): never {
  throw new PixstoreError('CONFIG_INVALID', message)
}

const isSecret = (s: unknown): s is SecretInput => typeof s === 'string' || s instanceof Uint8Array
const MAX_PROOF_TTL_MS = 7 * 24 * 3600_000

/**
 * Validates `config` and fills in defaults. Only the config's own properties count: a key
 * inherited from a polluted `Object.prototype` is neither read nor accepted.
 *
 * @example
 * ```ts
 * const cfg = resolveBackendConfig({ dataDir: '/var/lib/app/pixstore', proofTtlMs: 120_000 })
 * ```
 */
export function resolveBackendConfig(config?: PixstoreBackendConfig): ResolvedBackendConfig {
  // Silently ignoring a typo (e.g. `secrect`) would run with a default the user did not mean.
  const v = readConfig(config, KNOWN_KEYS)
  const c: ResolvedBackendConfig = { ...DEFAULT_BACKEND_CONFIG, imageFormats: [...DEFAULT_BACKEND_CONFIG.imageFormats], previousSecrets: [], variants: [] }
  if (v.dataDir !== undefined) {
    if (typeof v.dataDir !== 'string' || v.dataDir.trim() === '' || v.dataDir.includes('\0')) invalid('dataDir must be a non-empty path')
    c.dataDir = v.dataDir
  }
  if (v.storage !== undefined) c.storage = resolveStorageConfig(v.storage)
  if (v.secret !== undefined) {
    if (!isSecret(v.secret)) invalid('secret must be a string or a Uint8Array')
    c.secret = v.secret
  }
  if (v.previousSecrets !== undefined) {
    const p = v.previousSecrets
    if (!Array.isArray(p) || !Array.from(p).every(isSecret)) invalid('previousSecrets must be an array of strings or Uint8Arrays')
    c.previousSecrets = Array.from(p as SecretInput[])
  }
  if (v.imageFormats !== undefined) {
    const f = v.imageFormats
    if (!Array.isArray(f) || f.length === 0 || f.length > 255 || !f.every((x) => typeof x === 'string' && /^[a-z0-9]+$/.test(x)) || new Set(f).size !== f.length) {
      invalid('imageFormats must be 1 to 255 distinct lower-case format names, e.g. ["png", "webp", "jpg", "jpeg"]')
    }
    c.imageFormats = [...(f as string[])]
  }
  if (v.maxImageBytes !== undefined) c.maxImageBytes = configInteger('maxImageBytes', v.maxImageBytes, 1, 1024 * 1024 * 1024)
  // The placeholder decode is given the same limit (sharp's limitInputPixels), so raising it works.
  if (v.maxImagePixels !== undefined) c.maxImagePixels = configInteger('maxImagePixels', v.maxImagePixels, 1, 2 ** 32)
  if (v.maxImageFrames !== undefined) c.maxImageFrames = configInteger('maxImageFrames', v.maxImageFrames, 1, 100_000)
  if (v.keepMetadata !== undefined) c.keepMetadata = configBoolean('keepMetadata', v.keepMetadata)
  // After imageFormats: a preset's format must have a format byte.
  if (v.variants !== undefined) c.variants = resolveVariantPresets(v.variants, c.imageFormats)
  // Proofs that never expire (pixstore's -1) are not offered: a leaked proof would be valid forever.
  if (v.statelessKeyWindowLength !== undefined) c.proofTtlMs = configInteger('statelessKeyWindowLength', v.statelessKeyWindowLength, 1, MAX_PROOF_TTL_MS)
  if (v.proofTtlMs !== undefined) c.proofTtlMs = configInteger('proofTtlMs', v.proofTtlMs, 1, MAX_PROOF_TTL_MS)
  if (v.defaultEndpointEnabled !== undefined) c.defaultEndpointEnabled = configBoolean('defaultEndpointEnabled', v.defaultEndpointEnabled)
  if (v.defaultEndpointRoute !== undefined) {
    if (typeof v.defaultEndpointRoute !== 'string' || !/^(\/[A-Za-z0-9._~-]+)+$/.test(v.defaultEndpointRoute)) {
      invalid('defaultEndpointRoute must be a path such as "/pixstore-image"')
    }
    c.defaultEndpointRoute = v.defaultEndpointRoute
  }
  if (v.defaultEndpointListenHost !== undefined) {
    if (typeof v.defaultEndpointListenHost !== 'string' || v.defaultEndpointListenHost === '') invalid('defaultEndpointListenHost must be a host name or address')
    c.defaultEndpointListenHost = v.defaultEndpointListenHost
  }
  if (v.defaultEndpointListenPort !== undefined) c.defaultEndpointListenPort = configInteger('defaultEndpointListenPort', v.defaultEndpointListenPort, 0, 65535)
  if (v.defaultEndpointTimeoutMs !== undefined) c.defaultEndpointTimeoutMs = configInteger('defaultEndpointTimeoutMs', v.defaultEndpointTimeoutMs, 1, 3_600_000)
  if (v.accessControlAllowOrigin !== undefined) {
    const o = v.accessControlAllowOrigin
    if (typeof o !== 'string' || o === '' || /[\r\n\0]/.test(o)) invalid('accessControlAllowOrigin must be an origin such as "https://app.example" or "*"')
    c.accessControlAllowOrigin = o
  }
  if (v.errorHandlingMode !== undefined) c.errorHandlingMode = configOneOf('errorHandlingMode', v.errorHandlingMode, ERROR_HANDLING_MODES)
  if (v.proofCacheSize !== undefined) c.proofCacheSize = configInteger('proofCacheSize', v.proofCacheSize, 0, 10_000_000)
  if (v.ciphertextCacheBytes !== undefined) c.ciphertextCacheBytes = configInteger('ciphertextCacheBytes', v.ciphertextCacheBytes, 0, 2 ** 40)
  if (v.maxBatchItems !== undefined) c.maxBatchItems = configInteger('maxBatchItems', v.maxBatchItems, 1, MAX_BATCH_ITEMS)
  if (v.maxBatchRequestBytes !== undefined) {
    c.maxBatchRequestBytes = configInteger('maxBatchRequestBytes', v.maxBatchRequestBytes, MIN_BATCH_REQUEST_BYTES, MAX_BATCH_REQUEST_BYTES)
  }
  const hooks = readServeHooks<IncomingMessage>({ authorize: v.authorize, onServed: v.onServed })
  c.authorize = hooks.authorize
  c.onServed = hooks.onServed
  return c
}
