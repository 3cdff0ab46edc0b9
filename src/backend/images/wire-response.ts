// The core every endpoint shares: proof first, then storage, always ending in a wire frame. The frame
// is returned as header + stored ciphertext (no copy) so an HTTP server can write both with one
// corked writev; customEndpointHelper joins them once.
import { createFrame } from '../../codec/index.js'
import { verifyProof } from '../../crypto/verify-proof.js'
import { PixstoreError } from '../../shared/errors.js'
import { WireState } from '../../types/index.js'
import type { BackendState } from '../backend-state.js'
import type { StoredImageHead } from '../storage/contract.js'
import { isValidImageId } from './image-id.js'
import { unwrapStoredKey } from './image-record.js'

/** A wire frame in two parts: `header` (state byte, or the 69-byte Updated header) then `body`. */
export interface WireResponse {
  state: WireState
  header: Uint8Array
  body: Uint8Array | null
  /** The PixstoreError behind an error state, for logs and getLastPixstoreError (never sent). */
  error?: PixstoreError
}

const oneByte = (state: WireState, error?: PixstoreError): WireResponse => ({
  state,
  header: Uint8Array.of(state),
  body: null,
  error,
})

/** Parses a client token from a header or query value; anything else counts as "no token". */
export function parseClientToken(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined
  if (typeof value !== 'string' || !/^\d{1,16}$/.test(value)) return undefined
  const n = Number(value)
  return Number.isSafeInteger(n) ? n : undefined
}

async function versionResponse(
  state: BackendState,
  head: StoredImageHead,
  clientToken: number | undefined,
  ciphertext: Uint8Array,
): Promise<WireResponse> {
  if (clientToken === head.token) return { state: WireState.Success, header: SUCCESS_HEADER, body: ciphertext }
  const key = await unwrapStoredKey(state, head)
  const { frame } = createFrame({ token: head.token, key, iv: head.iv, tag: head.tag }, 0)
  return { state: WireState.Updated, header: frame, body: ciphertext }
}

// Shared and never mutated: it is only ever written to a socket or copied.
const SUCCESS_HEADER = Uint8Array.of(WireState.Success)

/** Builds the wire response for one request. Never throws. */
export async function wireResponse(
  state: BackendState,
  id: unknown,
  clientToken: number | undefined,
  proof: unknown,
  scope: string | undefined,
): Promise<WireResponse> {
  try {
    if (id === undefined || id === null || id === '') return oneByte(WireState.MissingID)
    if (proof === undefined || proof === null || proof === '') {
      return oneByte(WireState.MissingProof, new PixstoreError('PROOF_MISSING', 'no stateless proof was given'))
    }
    // No proof is ever issued for a malformed id; answering InvalidProof keeps it away from storage.
    if (!isValidImageId(id)) {
      return oneByte(WireState.InvalidProof, new PixstoreError('IMAGE_ID_INVALID', 'malformed image id in request'))
    }
    const now = Date.now()
    if (typeof proof !== 'string' || !state.proofCache.has(proof, id, scope, now)) {
      try {
        const exp = await verifyProof(
          proof,
          { id, scope, now, maxTtlMs: state.config.proofTtlMs },
          (kid) => state.keyring.get(kid)?.proofKey,
        )
        state.proofCache.add(proof as string, id, scope, exp)
      } catch (e) {
        if (e instanceof PixstoreError) {
          return oneByte(e.code === 'PROOF_MISSING' ? WireState.MissingProof : WireState.InvalidProof, e)
        }
        throw e
      }
    }
    // A client holding a newer token than a cached head proves the cache behind: read afresh.
    const head = await state.storage.getHead(id, clientToken)
    if (!head) return oneByte(WireState.NotFound, new PixstoreError('IMAGE_NOT_FOUND', 'no image with this id'))
    let ciphertext = state.ciphertextCache.get(id, head.token)
    if (!ciphertext) {
      const stored = await state.storage.get(id)
      if (!stored) return oneByte(WireState.NotFound, new PixstoreError('IMAGE_NOT_FOUND', 'no image with this id'))
      // An update between the two reads: serve the newer version whole (its own head fields).
      if (stored.token !== head.token) return await versionResponse(state, stored, clientToken, stored.ciphertext)
      ciphertext = stored.ciphertext
      state.ciphertextCache.set(id, stored.token, ciphertext)
    }
    return await versionResponse(state, head, clientToken, ciphertext)
  } catch (e) {
    const error = e instanceof PixstoreError ? e : new PixstoreError('STORAGE_ERROR', 'unexpected failure while serving an image', { cause: e })
    return oneByte(WireState.InternalError, error)
  }
}
