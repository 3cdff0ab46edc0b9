import { PixstoreError } from '../shared/errors.js'
import { CODEC_OPERATIONS, type CodecMode, type CodecOperation } from './codec-operations.js'
import type { WireCodec } from './contract.js'

/** What `getCodecInfo()` reports: the mode, who serves each operation, and whether WASM loaded. */
export interface CodecInfo {
  mode: CodecMode
  operations: Record<CodecOperation, 'wasm' | 'ts'>
  wasm: {
    /** `ready`: instantiated; `not-loaded`: not needed yet; `unavailable`: failed, TS is used. */
    status: 'ready' | 'not-loaded' | 'unavailable'
    /** Why WASM is unavailable (the engine's message), when it is. */
    error?: string
    moduleBytes: number
  }
  /** The benchmark figures the `auto` table was generated from. */
  autoTable: { measuredAt: string | null; wasmOverTs: Partial<Record<CodecOperation, number>> }
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
 * The codec selection state: one per process (see codec/index.ts), a fresh one per test.
 * `dispatch` is the table the public functions call through; it is rebuilt on every mode change, so
 * a call costs one property lookup more than calling the implementation directly.
 */
export function createCodecSelector(options: SelectorOptions) {
  const { ts } = options
  let wasm: WireCodec | null = null
  let wasmError: string | undefined
  let mode: CodecMode = 'auto'
  const dispatch = { ...pick(() => ts) } as Dispatch
  const operations = {} as Record<CodecOperation, 'wasm' | 'ts'>

  function fail(error: unknown): void {
    wasmError = error instanceof Error ? error.message : String(error)
    // One warning for the life of the selector: the fallback is a normal, supported configuration.
    options.warn(`[pixstore] WebAssembly codec unavailable (${wasmError}); using the TypeScript codec`)
  }

  function ensureWasm(): WireCodec | null {
    if (wasm === null && wasmError === undefined) {
      try {
        wasm = options.loadWasm()
      } catch (error) {
        fail(error)
      }
    }
    return wasm
  }

  function pick(choose: (op: CodecOperation) => WireCodec): Dispatch {
    const table = {} as Record<string, unknown>
    for (const op of CODEC_OPERATIONS) table[op] = choose(op)[op]
    return table as Dispatch
  }

  function apply(): void {
    const wanted = (op: CodecOperation) => (mode === 'auto' ? options.autoChoice[op] : mode)
    const needsWasm = CODEC_OPERATIONS.some((op) => wanted(op) === 'wasm')
    const available = needsWasm ? ensureWasm() : wasm
    Object.assign(
      dispatch,
      pick((op) => {
        const codec = wanted(op) === 'wasm' && available !== null ? available : ts
        operations[op] = codec.kind
        return codec
      }),
    )
  }

  function setCodec(next: CodecMode): void {
    if (!isMode(next)) {
      throw new PixstoreError('CONFIG_INVALID', `codec must be one of ${MODES.join(', ')}`)
    }
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
        fail(error)
      }
    }
    apply()
    return getCodecInfo()
  }

  /** The instance of one implementation, for benchmarks and side-by-side demos; null if WASM failed. */
  function implementation(kind: 'wasm' | 'ts'): WireCodec | null {
    return kind === 'ts' ? ts : ensureWasm()
  }

  if (options.initialMode === undefined || options.initialMode === '') {
    mode = 'auto'
  } else if (isMode(options.initialMode)) {
    mode = options.initialMode
  } else {
    options.warn(`[pixstore] PIXSTORE_CODEC must be one of ${MODES.join(', ')}; using auto`)
  }
  apply()

  return { dispatch, setCodec, getCodec: () => mode, getCodecInfo, initCodec, implementation }
}
