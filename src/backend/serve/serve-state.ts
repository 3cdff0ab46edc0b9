// What serving needs from the backend, handed down by the transports (which call readyState()), so
// nothing under serve/ reaches back up for the process's backend instance.
import type { Keyring } from '../config/keyring.js'
import type { StorageAdapter } from '../storage/contract.js'
import type { CiphertextCache } from './ciphertext-cache.js'
import type { ProofCache } from './proof-cache.js'

/** The parts of the backend state the serving path reads (a `BackendState` is one). */
export interface ServeState {
  config: { proofTtlMs: number }
  storage: Pick<StorageAdapter, 'getHead' | 'get' | 'getVariant'>
  keyring: Pick<Keyring, 'get'>
  proofCache: ProofCache
  ciphertextCache: CiphertextCache
}
