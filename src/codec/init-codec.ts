import { selector } from './active-codec.js'
import type { CodecInfo } from './codec-selector.js'

/**
 * Compiles and instantiates the WASM codec asynchronously, so a later `setCodec('wasm')` switches
 * without compiling on the spot. Optional: the module is < 4 KiB, which browsers also compile
 * synchronously. Never rejects; on failure TS is used and one warning is logged.
 *
 * @example
 * ```ts
 * import { initCodec } from 'pixstore/codec'
 * const info = await initCodec()
 * info.wasm.status // 'ready' where WebAssembly is allowed ('wasm-unsafe-eval' under a CSP)
 * ```
 */
export function initCodec(): Promise<CodecInfo> {
  return selector.initCodec()
}
