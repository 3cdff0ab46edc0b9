import { selector } from './active-codec.js'
import type { CodecInfo } from './codec-selector.js'

/**
 * The selected mode, the implementation serving each operation, the WASM status (and why it is
 * unavailable, if it is) and the benchmark ratios behind the `auto` table. For dashboards and demos.
 *
 * @example
 * ```ts
 * import { getCodecInfo } from 'pixstore/codec'
 * const { mode, operations, wasm } = getCodecInfo()
 * console.log(mode, operations.decodeWirePayload, wasm.status) // 'auto' 'ts' 'not-loaded'
 * ```
 */
export function getCodecInfo(): CodecInfo {
  return selector.getCodecInfo()
}
