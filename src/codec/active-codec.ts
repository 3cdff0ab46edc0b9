import { AUTO_CHOICE, AUTO_CHOICE_SOURCE } from './auto-choice.generated.js'
import { readCodecEnv } from './codec-env.js'
import { createCodecSelector } from './codec-selector.js'
import { tsCodec } from './ts/ts-codec.js'
import { createWasmCodec } from './wasm/wasm-codec.js'
import { WASM_BYTE_LENGTH, wasmModuleBytes } from './wasm/wasm-bytes.generated.js'

// The process-wide codec selection, made once at import from PIXSTORE_CODEC (default auto).

/** @internal the selection every public codec function goes through. */
export const selector = createCodecSelector({
  ts: tsCodec,
  loadWasm: () => createWasmCodec(new WebAssembly.Module(wasmModuleBytes())),
  loadWasmAsync: async () => createWasmCodec(await WebAssembly.compile(wasmModuleBytes())),
  autoChoice: AUTO_CHOICE,
  autoTable: AUTO_CHOICE_SOURCE,
  moduleBytes: WASM_BYTE_LENGTH,
  initialMode: readCodecEnv(),
  warn: (message) => console.warn(message),
})

/** @internal */
export const dispatch = selector.dispatch
