import { selector } from './active-codec.js'
import type { WireCodec } from './contract.js'

/**
 * One implementation regardless of the selection — for benchmarks and side-by-side comparisons.
 * Returns null for `'wasm'` when WebAssembly cannot be instantiated.
 *
 * @example
 * ```ts
 * import { getCodecImplementation } from 'pixstore/codec'
 * const wasm = getCodecImplementation('wasm')
 * wasm?.tokensEqual(7, 7) // true
 * ```
 */
export function getCodecImplementation(kind: 'wasm' | 'ts'): WireCodec | null {
  return selector.implementation(kind)
}
