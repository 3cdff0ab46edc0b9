// Provisional entry: the TS twin only, until the WASM binding and selection land.
import { tsCodec } from './ts/ts-codec.js'
export type { WireCodec, UpdatedHeader } from './contract.js'
export * from './contract.js'
export { WireState } from '../types/index.js'
export type { WirePayload, SuccessPayload, UpdatedPayload, ErrorPayload } from '../types/index.js'

export const encodeWirePayload = tsCodec.encodeWirePayload
export const decodeWirePayload = tsCodec.decodeWirePayload
export const createFrame = tsCodec.createFrame
export const tokensEqual = tsCodec.tokensEqual
export const constantTimeEqual = tsCodec.constantTimeEqual
