import { setErrorHandlingMode } from '../shared/error-handling.js'
import { PixstoreError } from '../shared/errors.js'
import { pendingState, setPendingState, type BackendState } from './backend-state.js'
import { resolveBackendConfig, type PixstoreBackendConfig } from './config/backend-config.js'
import { keyringForStore } from './config/store-keyring.js'
import { listenDefaultEndpoint, stopDefaultEndpoint } from './endpoint/default-endpoint.js'
import { createCiphertextCache } from './serve/ciphertext-cache.js'
import { createProofCache } from './serve/proof-cache.js'
import { createStorage } from './storage/create-storage.js'

async function build(config: PixstoreBackendConfig | undefined, previous: Promise<BackendState> | null): Promise<BackendState> {
  // Re-initialising replaces the previous instance (tests, config reloads): close it first.
  if (previous) await shutdown(previous)
  const resolved = resolveBackendConfig(config)
  // Process-wide and shared with the frontend and the application: changed only when asked to.
  if (resolved.errorHandlingMode !== undefined) setErrorHandlingMode(resolved.errorHandlingMode)
  // Storage first: whether a secret may be generated, and whether the secrets open the stored
  // images, depends on what the store holds.
  const storage = await createStorage(resolved.storage, resolved.dataDir)
  await storage.open()
  try {
    const keyring = await keyringForStore(resolved, storage)
    return { config: resolved, storage, keyring, proofCache: createProofCache(resolved.proofCacheSize),
      ciphertextCache: createCiphertextCache(resolved.ciphertextCacheBytes),
    }
  } catch (e) {
    await storage.close().catch(() => {})
    throw e
  }
}

async function shutdown(state: Promise<BackendState>): Promise<void> {
  await stopDefaultEndpoint()
  const s = await state.catch(() => null)
  await s?.storage.close()
}

// Why a listen failed, in the words an operator acts on; the errno stays in the message because
// it is what they will search for.
const LISTEN_REASONS: Record<string, string> = {
  EADDRINUSE: 'the address is already in use (EADDRINUSE): another process listens there; choose another defaultEndpointListenPort, or set defaultEndpointEnabled: false',
  EACCES: 'permission denied (EACCES): ports below 1024 need privileges; choose another defaultEndpointListenPort',
  EADDRNOTAVAIL: 'the address is not one of this machine (EADDRNOTAVAIL); check defaultEndpointListenHost',
  ENOTFOUND: 'the host name does not resolve (ENOTFOUND); check defaultEndpointListenHost',
}

function endpointError(cause: unknown, host: string, port: number): PixstoreError {
  // The errno sits on the first error along the chain that is not ours.
  let errno: unknown
  for (let e = cause; e instanceof Error && errno === undefined; e = e.cause) {
    if (!(e instanceof PixstoreError)) errno = (e as NodeJS.ErrnoException).code
  }
  const reason = typeof errno === 'string' ? (LISTEN_REASONS[errno] ?? errno) : cause instanceof Error ? cause.message : 'unknown error'
  return new PixstoreError('ENDPOINT_ERROR', `the built-in endpoint could not listen on ${host}:${port}: ${reason}`, { cause })
}

async function start(config: PixstoreBackendConfig | undefined): Promise<void> {
  const previous = pendingState()
  const next = build(config, previous)
  setPendingState(next)
  const state = await next
  if (!state.config.defaultEndpointEnabled) return
  try {
    await listenDefaultEndpoint()
    return
  } catch (cause) {
    const error = endpointError(cause, state.config.defaultEndpointListenHost, state.config.defaultEndpointListenPort)
    // Left open, storage would keep serving saveImage etc. for an init that reported failure; unless a
    // newer init already replaced this one, undo it. Later calls then answer NOT_INITIALIZED with
    // this error as their cause, which matters to whoever did not await init.
    if (pendingState() === next) {
      setPendingState(Promise.reject(error))
      await shutdown(next)
    }
    throw error
  }
}

/**
 * Initialises the backend: validates config, opens storage, loads the secret (generating one only
 * for an empty store) and checks it opens the stored images, then (unless
 * `defaultEndpointEnabled: false`) starts the built-in endpoint. Other calls wait for it, so not
 * awaiting it works too: a failure then never crashes the process as an unhandled rejection, and
 * later calls answer `NOT_INITIALIZED` with it as their `cause`. Rejects on bad config, unavailable
 * storage, a secret that cannot open the stored images (`SECRET_MISSING`, `SECRET_MISMATCH`) or an
 * endpoint that cannot listen (`ENDPOINT_ERROR` naming host:port and why, storage closed again)
 * whatever the error mode: a backend that cannot start must not look as if it did.
 *
 * @example
 * ```ts
 * await initPixstoreBackend({ dataDir: './.pixstore', secret: process.env.PIXSTORE_SECRET })
 * ```
 */
export function initPixstoreBackend(config?: PixstoreBackendConfig): Promise<void> {
  const done = start(config)
  // Marks the rejection handled for a caller who does not await (the README says that is fine);
  // a caller who awaits still gets it.
  done.catch(() => {})
  return done
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
