import { PixstoreError } from '../shared/errors.js'
import { AUTO_CHOICE, AUTO_CHOICE_SOURCE } from './auto-choice.generated.js'
import type { WireCodec } from './contract.js'
import { tsCodec } from './ts/ts-codec.js'
import { createWasmCodec } from './wasm/wasm-codec.js'
import { WASM_BYTE_LENGTH, wasmModuleBytes } from './wasm/wasm-bytes.generated.js'

// Which implementation serves each codec operation: the mode (PIXSTORE_CODEC, setCodec), the
// `auto` table, and the WASM instance, made lazily on the first call of an operation assigned to it
// (importing the codec compiles nothing: a frontend that only decodes on TS never touches WebAssembly).

/** The operations of a {@link WireCodec} that `auto` mode assigns one by one. */
export const CODEC_OPERATIONS = [
  'encodeWirePayload',
  'createFrame',
  'writeFrameHeader',
  'decodeWirePayload',
  'tokensEqual',
  'constantTimeEqual',
  'encodeBatchHeader',
  'encodeBatch',
  'decodeBatch',
  'readBatchDirectory',
] as const

export type CodecOperation = (typeof CODEC_OPERATIONS)[number]

/** `wasm` and `ts` force one implementation; `auto` picks per operation from the benchmark table. */
export type CodecMode = 'wasm' | 'ts' | 'auto'

/** What `getCodecInfo()` reports: the mode, who serves each operation, and whether WASM loaded. */
export interface CodecInfo {
  mode: CodecMode
  /** The implementation assigned to each operation (WASM ones instantiate on their first call). */
  operations: Record<CodecOperation, 'wasm' | 'ts'>
  wasm: {
    /** `ready`: instantiated; `not-loaded`: no WASM operation has run yet; `unavailable`: it failed. */
    status: 'ready' | 'not-loaded' | 'unavailable'
    /** Why WASM is unavailable (the engine's message), when it is. */
    error?: string
    moduleBytes: number
  }
  /** The benchmark figures the `auto` table was generated from. */
  autoTable: { measuredAt: string | null; noise?: number; wasmOverTs: Partial<Record<CodecOperation, number>> }
}

export type Dispatch = { -readonly [K in CodecOperation]: WireCodec[K] }

export interface SelectorOptions {
  ts: WireCodec
  /** Instantiates the WASM codec synchronously; throws if WebAssembly is missing or refused. */
  loadWasm: () => WireCodec
  /** The same, compiling off the main thread where the engine can. */
  loadWasmAsync: () => Promise<WireCodec>
  autoChoice: Readonly<Record<CodecOperation, 'wasm' | 'ts'>>
  autoTable: CodecInfo['autoTable']
  moduleBytes: number
  initialMode: unknown
  warn: (message: string) => void
}

const MODES: readonly CodecMode[] = ['wasm', 'ts', 'auto']
const isMode = (value: unknown): value is CodecMode => MODES.includes(value as CodecMode)

/**
 * `PIXSTORE_CODEC` from the environment, or undefined where there is no `process` (browsers,
 * workers) or reading it is refused (Deno without --allow-env).
 */
export function readCodecEnv(): unknown {
  try {
    const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    return proc?.env?.PIXSTORE_CODEC
  } catch {
    return undefined
  }
}

/**
 * The codec selection state: one per process (below), a fresh one per test.
 *
 * `dispatch` is the table the public functions call through. An operation assigned to WASM before
 * WASM exists holds a one-shot loader: its first call instantiates the module (synchronously: it is
 * < 4 KiB, which browsers allow on the main thread) and rebuilds the table, so from then on the entry
 * IS the WASM function, with no per-call check. The contract when WASM cannot be instantiated:
 * - an explicit request (`setCodec('wasm')`, or `PIXSTORE_CODEC=wasm`) is never served by TS in
 *   secret: `setCodec('wasm')` throws CODEC_UNAVAILABLE and keeps the current mode; under
 *   PIXSTORE_CODEC=wasm every operation throws CODEC_UNAVAILABLE until `setCodec('ts' | 'auto')`;
 * - `auto` falls back to TS for the operations its table gave to WASM, with exactly one warning.
 */
export function createCodecSelector(options: SelectorOptions) {
  const { ts } = options
  let wasm: WireCodec | null = null
  let wasmError: string | undefined
  let warned = false
  let mode: CodecMode = 'auto'
  const dispatch = {} as Record<CodecOperation, unknown>
  const operations = {} as Record<CodecOperation, 'wasm' | 'ts'>

  const unavailable = (): PixstoreError =>
    new PixstoreError('CODEC_UNAVAILABLE', `the WebAssembly codec cannot be instantiated here (${wasmError}); setCodec('auto') or setCodec('ts') uses the TypeScript codec`)

  function record(error: unknown): void {
    wasmError = error instanceof Error ? error.message : String(error)
  }

  function load(): WireCodec | null {
    if (wasm === null && wasmError === undefined) {
      try {
        wasm = options.loadWasm()
      } catch (error) {
        record(error)
      }
      apply()
    }
    return wasm
  }

  function lazy(op: CodecOperation): unknown {
    return (...args: unknown[]) => {
      load()
      return (dispatch[op] as (...a: unknown[]) => unknown)(...args)
    }
  }

  function throwing(): never {
    throw unavailable()
  }

  function apply(): void {
    let fellBack = false
    for (const op of CODEC_OPERATIONS) {
      const wanted = mode === 'auto' ? options.autoChoice[op] : mode
      if (wanted === 'ts') {
        dispatch[op] = ts[op]
      } else if (wasm !== null) {
        dispatch[op] = wasm[op]
      } else if (wasmError === undefined) {
        dispatch[op] = lazy(op)
      } else if (mode === 'wasm') {
        dispatch[op] = throwing
      } else {
        dispatch[op] = ts[op]
        fellBack = true
      }
      operations[op] = wanted === 'wasm' && mode === 'auto' && wasmError !== undefined ? 'ts' : wanted
    }
    if (fellBack && !warned) {
      // One warning for the life of the selector: the fallback is a normal, supported configuration.
      warned = true
      options.warn(`[pixstore] WebAssembly codec unavailable (${wasmError}); using the TypeScript codec`)
    }
  }

  function setCodec(next: CodecMode): void {
    if (!isMode(next)) throw new PixstoreError('CONFIG_INVALID', `codec must be one of ${MODES.join(', ')}`)
    if (next === 'wasm' && load() === null) throw unavailable()
    mode = next
    apply()
  }

  function getCodecInfo(): CodecInfo {
    return {
      mode,
      operations: { ...operations },
      wasm: {
        status: wasm !== null ? 'ready' : wasmError !== undefined ? 'unavailable' : 'not-loaded',
        ...(wasmError !== undefined ? { error: wasmError } : {}),
        moduleBytes: options.moduleBytes,
      },
      autoTable: options.autoTable,
    }
  }

  async function initCodec(): Promise<CodecInfo> {
    if (wasm === null && wasmError === undefined) {
      try {
        wasm = await options.loadWasmAsync()
      } catch (error) {
        record(error)
      }
      apply()
    }
    return getCodecInfo()
  }

  /** The instance of one implementation, for benchmarks and side-by-side demos; null if WASM failed. */
  function implementation(kind: 'wasm' | 'ts'): WireCodec | null {
    return kind === 'ts' ? ts : load()
  }

  if (options.initialMode === undefined || options.initialMode === '') {
    mode = 'auto'
  } else if (isMode(options.initialMode)) {
    mode = options.initialMode
  } else {
    options.warn(`[pixstore] PIXSTORE_CODEC must be one of ${MODES.join(', ')}; using auto`)
  }
  apply()

  return { dispatch: dispatch as Dispatch, setCodec, getCodec: () => mode, getCodecInfo, initCodec, implementation }
}

/** @internal the process-wide selection every public codec function goes through. */
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
