// Both codec implementations, built straight from their modules (not through the selection), so
// every suite runs each test against each one with describe.each(IMPLEMENTATIONS).
import { expect } from 'vitest'
import type { WireCodec } from '../../src/codec/contract.js'
import { tsCodec } from '../../src/codec/ts/ts-codec.js'
import { createWasmCodec } from '../../src/codec/wasm/wasm-codec.js'
import { wasmModuleBytes } from '../../src/codec/wasm/wasm-bytes.generated.js'
import { PixstoreError, type PixstoreErrorCode } from '../../src/shared/errors.js'

export const wasmCodec = createWasmCodec(new WebAssembly.Module(wasmModuleBytes()))

export const IMPLEMENTATIONS: ReadonlyArray<[string, WireCodec]> = [
  ['wasm', wasmCodec],
  ['ts', tsCodec],
]

export const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'))
export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')

/** Runs `fn`, expects a PixstoreError with `code` (never a RangeError/TypeError) and returns it. */
export function expectCode(fn: () => unknown, code: PixstoreErrorCode): PixstoreError {
  let caught: unknown
  try {
    fn()
  } catch (error) {
    caught = error
  }
  expect(caught, `expected PixstoreError ${code}`).toBeInstanceOf(PixstoreError)
  expect((caught as PixstoreError).code).toBe(code)
  return caught as PixstoreError
}

/** The outcome of a call as plain data: its result, or its error code (for differential checks). */
export function outcome(fn: () => unknown): { ok: unknown } | { code: string; message: string } {
  try {
    return { ok: fn() }
  } catch (error) {
    if (error instanceof PixstoreError) return { code: error.code, message: error.message }
    throw error // anything else is a bug the test must surface
  }
}

/** Deterministic pseudo-random bytes (xorshift32), for large ciphertexts that are not stored. */
export function deterministicBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length)
  let x = seed >>> 0 || 1
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}
