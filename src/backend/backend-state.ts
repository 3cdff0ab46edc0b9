// The one backend instance of this process. Public calls await `readyState()`, so code that calls
// `initPixstoreBackend()` without awaiting it (as pixstore's docs show) still works.
import { PixstoreError } from '../shared/errors.js'
import type { ResolvedBackendConfig } from './config/backend-config.js'
import type { Keyring } from './config/keyring.js'
import type { CiphertextCache } from './serve/ciphertext-cache.js'
import type { ProofCache } from './serve/proof-cache.js'
import type { StorageAdapter } from './storage/contract.js'

export interface BackendState {
  config: ResolvedBackendConfig
  storage: StorageAdapter
  keyring: Keyring
  proofCache: ProofCache
  ciphertextCache: CiphertextCache
}

let pending: Promise<BackendState> | null = null

export function setPendingState(next: Promise<BackendState> | null): void {
  pending = next
  // A failed init is reported by initPixstoreBackend itself; later calls see NOT_INITIALIZED.
  next?.catch(() => {})
}

export function pendingState(): Promise<BackendState> | null {
  return pending
}

/** Resolves when the backend is ready; NOT_INITIALIZED when init was never called or failed. */
export async function readyState(): Promise<BackendState> {
  if (!pending) throw new PixstoreError('NOT_INITIALIZED', 'call initPixstoreBackend() first')
  try {
    return await pending
  } catch (cause) {
    // Its own message is repeated here for whoever did not await init; only a PixstoreError's, whose
    // messages never carry a secret or a path.
    const why = cause instanceof PixstoreError ? `: ${cause.code}: ${cause.message}` : '; see its error (the cause)'
    throw new PixstoreError('NOT_INITIALIZED', `initPixstoreBackend() failed${why}`, { cause })
  }
}
