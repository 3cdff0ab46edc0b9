import type { ContainerCodec } from '../contract.js'
import { tsContainerCodec } from '../ts/ts-container.js'

export function createWasmContainerCodec(): ContainerCodec {
  return { ...tsContainerCodec, kind: 'wasm' }
}
