// Which container implementation the package-level functions use: TypeScript unless told otherwise
// (see bench/suites/container.mjs for why), WASM on request.
import type { ContainerCodec } from './contract.js'
import { PixstoreError } from '../shared/errors.js'
import { tsContainerCodec } from './ts/ts-container.js'
import { createWasmContainerCodec } from './wasm/wasm-container.js'

let wasm: ContainerCodec | undefined

/**
 * The container codec of `kind` ('ts' or 'wasm'; the WASM module is instantiated on first use).
 *
 * @example
 * ```ts
 * const info = getContainerCodec('wasm').readImageContainer(bytes)
 * ```
 */
export function getContainerCodec(kind: 'ts' | 'wasm' = 'ts'): ContainerCodec {
  if (kind === 'ts') return tsContainerCodec
  if (kind === 'wasm') return (wasm ??= createWasmContainerCodec())
  throw new PixstoreError('ARGUMENT_INVALID', 'container codec kind must be "ts" or "wasm"')
}
