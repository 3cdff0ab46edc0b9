// The serving core every transport calls (built-in endpoint, Express and fetch adapters,
// customEndpointHelper): request in, frame out, never a throw. Transports only move bytes.
import { checkScope } from '../../crypto/proof-scope.js'
import { PixstoreError } from '../../shared/errors.js'
import { WireState } from '../../types/index.js'
import { isVariantName } from '../../shared/variant-name.js'
import { isValidImageId } from '../images/image-id.js'
import { checkProof } from './check-proof.js'
import { currentVersion } from './current-version.js'
import { internalErrorFrame, stateFrame, type Frame } from './frame.js'
import type { ServeState } from './serve-state.js'
import { versionFrame } from './version-frame.js'

/** One image request as a transport read it. */
export interface ServeRequest {
  /** The image id, already %-decoded. */
  id: unknown
  /** The client's version token: header or query text, or a number. */
  token: unknown
  /** The stateless proof. */
  proof: unknown
  /** The variant (preset name) asked for: a string, or `undefined`/`null` for the original. */
  variant?: unknown
  /** The scope the proof must carry: a string or `undefined` (see checkScope). */
  scope?: unknown
  /**
   * The application's scope callback, when the scope comes from one; it may return a Promise and
   * may throw. Its result obeys the same rule as `scope`.
   */
  resolveScope?: () => unknown
}

/** Parses a client token from a header or query value; anything else counts as "no token". */
function parseClientToken(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined
  if (typeof value !== 'string' || !/^\d{1,16}$/.test(value)) return undefined
  const n = Number(value)
  return Number.isSafeInteger(n) ? n : undefined
}

const variantUnknown = () => stateFrame(WireState.NotFound, new PixstoreError('VARIANT_UNKNOWN', 'the image has no variant of this name'))

/**
 * Answers one image request: the state `state` resolves to (a failed init is InternalError), the
 * proof, then the head and ciphertext of the original or of the variant asked for (one proof covers
 * an image and its variants; a name that is not valid, or that the current version lacks, is
 * NotFound with `VARIANT_UNKNOWN`). Never rejects.
 *
 * @example
 * ```ts
 * const frame = await serveImage(readyState(), { id, token: req.headers[TOKEN_HEADER], proof })
 * res.cork(); res.write(frame.header); res.end(frame.body ?? undefined)
 * ```
 */
export async function serveImage(state: ServeState | Promise<ServeState>, request: ServeRequest): Promise<Frame> {
  try {
    const { id, proof } = request
    const ready = await state
    const scope = checkScope(request.resolveScope ? await request.resolveScope() : request.scope)
    if (id === undefined || id === null || id === '') return stateFrame(WireState.MissingID)
    if (proof === undefined || proof === null || proof === '') {
      return stateFrame(WireState.MissingProof, new PixstoreError('PROOF_MISSING', 'no stateless proof was given'))
    }
    // No proof is ever issued for a malformed id; answering InvalidProof keeps it away from storage.
    if (!isValidImageId(id)) {
      return stateFrame(WireState.InvalidProof, new PixstoreError('IMAGE_ID_INVALID', 'malformed image id in request'))
    }
    const refused = await checkProof(ready, id, proof, scope, Date.now())
    if (refused) return refused
    const variant = request.variant ?? undefined
    // Checked before storage: a name no preset can have is never looked up.
    if (variant !== undefined && !isVariantName(variant)) return variantUnknown()
    const clientToken = parseClientToken(request.token)
    const version = await currentVersion(ready, id, clientToken, variant)
    if (version === 'no-image') return stateFrame(WireState.NotFound, new PixstoreError('IMAGE_NOT_FOUND', 'no image with this id'))
    if (version === 'no-variant') return variantUnknown()
    return await versionFrame(ready, version, clientToken)
  } catch (e) {
    return internalErrorFrame(e)
  }
}
