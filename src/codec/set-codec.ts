import { selector } from './active-codec.js'
import type { CodecMode } from './codec-operations.js'

/**
 * Switches the codec for every later call: `'wasm'`, `'ts'`, or `'auto'` (per operation, whichever
 * the committed benchmark table says is faster). Overrides `PIXSTORE_CODEC`. If WebAssembly cannot be
 * instantiated, TS serves every operation and one warning is logged. Throws `CONFIG_INVALID` for
 * any other value.
 *
 * @example
 * ```ts
 * import { setCodec, getCodecInfo } from 'pixstore/codec'
 * setCodec('wasm')
 * getCodecInfo().operations.decodeWirePayload // 'wasm' (or 'ts' if WASM is unavailable)
 * ```
 */
export function setCodec(mode: CodecMode): void {
  selector.setCodec(mode)
}
