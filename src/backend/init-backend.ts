import { setErrorHandlingMode } from '../shared/error-handling.js'
import { PixstoreError } from '../shared/errors.js'
import { pendingState, setPendingState, type BackendState } from './backend-state.js'
import { resolveBackendConfig, type PixstoreBackendConfig } from './config/backend-config.js'
import { createKeyring } from './config/keyring.js'
import { loadSecrets } from './config/load-secrets.js'
import { startDefaultEndpoint, stopDefaultEndpoint } from './endpoint/default-endpoint.js'
import { createCiphertextCache } from './serve/ciphertext-cache.js'
import { createProofCache } from './serve/proof-cache.js'
import { createStorage } from './storage/create-storage.js'

async function build(config: PixstoreBackendConfig | undefined, previous: Promise<BackendState> | null): Promise<BackendState> {
  // Re-initialising replaces the previous instance (tests, config reloads): close it first.
  if (previous) await shutdown(previous)
  const resolved = resolveBackendConfig(config)
  setErrorHandlingMode(resolved.errorHandlingMode)
  const { current, previous: older } = await loadSecrets(resolved)
  const keyring = await createKeyring(current, older)
  const storage = await createStorage(resolved.storage, resolved.dataDir)
  await storage.open()
  return { config: resolved, storage, keyring, proofCache: createProofCache(resolved.proofCacheSize),
    ciphertextCache: createCiphertextCache(resolved.ciphertextCacheBytes),
  }
}

async function shutdown(state: Promise<BackendState>): Promise<void> {
  await stopDefaultEndpoint()
  const s = await state.catch(() => null)
  await s?.storage.close()
}

/**
 * Initialises the backend: validates config, loads the secret, opens storage and (unless
 * `defaultEndpointEnabled: false`) starts the built-in endpoint. Other calls wait for it, so not
 * awaiting it works too. Rejects on bad config, unavailable storage or an endpoint that cannot
 * listen (`ENDPOINT_ERROR`, storage closed again) whatever the error mode: a backend that cannot
 * start must not look as if it did.
 *
 * @example
 * ```ts
 * await initPixstoreBackend({ dataDir: './.pixstore', secret: process.env.PIXSTORE_SECRET })
 * ```
 */
export async function initPixstoreBackend(config?: PixstoreBackendConfig): Promise<void> {
  const previous = pendingState()
  const next = build(config, previous)
  setPendingState(next)
  const state = await next
  if (!state.config.defaultEndpointEnabled) return
  let started: Awaited<ReturnType<typeof startDefaultEndpoint>> = null
  let cause: unknown
  try {
    started = await startDefaultEndpoint()
  } catch (e) {
    cause = e
  }
  if (started) return
  // Left open, storage would keep serving saveImage etc. for an init that reported failure; unless a
  // newer init already replaced this one, undo it.
  if (pendingState() === next) {
    setPendingState(null)
    await shutdown(next)
  }
  throw cause instanceof PixstoreError && cause.code === 'ENDPOINT_ERROR'
    ? cause
    : new PixstoreError('ENDPOINT_ERROR', 'the built-in endpoint could not start', { cause })
}

/**
 * Stops the built-in endpoint and closes storage. Idempotent.
 *
 * @example
 * ```ts
 * process.on('SIGTERM', () => closePixstoreBackend().then(() => process.exit(0)))
 * ```
 */
export async function closePixstoreBackend(): Promise<void> {
  const current = pendingState()
  setPendingState(null)
  if (current) await shutdown(current)
  else await stopDefaultEndpoint()
}
