import { createFrame } from '../../codec/index.js'
import { WireState } from '../../types/index.js'
import { unwrapStoredKey, unwrapVariantKey } from '../images/stored-key.js'
import { stateFrame, type Frame } from './frame.js'
import type { CurrentVersion } from './current-version.js'
import type { ServeState } from './serve-state.js'

/**
 * Success (the client holds this token: state byte + ciphertext) or Updated (69-byte header with the
 * new token, key, IV and tag, then the ciphertext). A variant is one such frame of its own: its key,
 * IV and tag, the version's token.
 *
 * @example
 * ```ts
 * return versionFrame(state, version, clientToken)
 * ```
 */
export async function versionFrame(state: Pick<ServeState, 'keyring'>, version: CurrentVersion, clientToken: number | undefined): Promise<Frame> {
  const { head, ciphertext } = version
  if (clientToken === head.token) return stateFrame(WireState.Success, undefined, ciphertext)
  const key =
    head.variant === undefined
      ? await unwrapStoredKey(state.keyring, head)
      : await unwrapVariantKey(state.keyring, { id: head.id, keyId: head.keyId, name: head.variant, wrappedKey: head.wrappedKey })
  const { frame } = createFrame({ token: head.token, key, iv: head.iv, tag: head.tag }, 0)
  return { state: WireState.Updated, header: frame, body: ciphertext }
}
