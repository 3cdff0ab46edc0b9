import { selector } from './active-codec.js'
import type { CodecMode } from './codec-operations.js'

/**
 * The selected codec mode (`'wasm' | 'ts' | 'auto'`); see `getCodecInfo()` for who actually serves
 * each operation.
 *
 * @example
 * ```ts
 * import { getCodec } from 'pixstore/codec'
 * getCodec() // 'auto' unless PIXSTORE_CODEC or setCodec() said otherwise
 * ```
 */
export function getCodec(): CodecMode {
  return selector.getCodec()
}
