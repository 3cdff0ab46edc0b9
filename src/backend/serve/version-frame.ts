import { createFrame } from '../../codec/index.js'
import { WireState } from '../../types/index.js'
import { unwrapStoredKey } from '../images/stored-key.js'
import { stateFrame, type Frame } from './frame.js'
import type { CurrentVersion } from './current-version.js'
import type { ServeState } from './serve-state.js'

/**
 * Success (the client holds this token: state byte + ciphertext) or Updated (69-byte header with the
 * new token, key, IV and tag, then the ciphertext).
 *
 * @example
 * ```ts
 * return versionFrame(state, version, clientToken)
 * ```
 */
export async function versionFrame(state: Pick<ServeState, 'keyring'>, version: CurrentVersion, clientToken: number | undefined): Promise<Frame> {
  const { head, ciphertext } = version
  if (clientToken === head.token) return stateFrame(WireState.Success, undefined, ciphertext)
  const key = await unwrapStoredKey(state.keyring, head)
  const { frame } = createFrame({ token: head.token, key, iv: head.iv, tag: head.tag }, 0)
  return { state: WireState.Updated, header: frame, body: ciphertext }
}
