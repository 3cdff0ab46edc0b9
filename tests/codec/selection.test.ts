import { afterEach, describe, expect, it, vi } from 'vitest'
import { CODEC_OPERATIONS, type CodecOperation } from '../../src/codec/codec-operations.js'
import { createCodecSelector, type SelectorOptions } from '../../src/codec/codec-selector.js'
import { tsCodec } from '../../src/codec/ts/ts-codec.js'
import { PixstoreError } from '../../src/shared/errors.js'
import { wasmCodec } from './implementations.js'

const allTs = Object.fromEntries(CODEC_OPERATIONS.map((op) => [op, 'ts'])) as Record<CodecOperation, 'ts' | 'wasm'>
const allWasm = Object.fromEntries(CODEC_OPERATIONS.map((op) => [op, 'wasm'])) as Record<CodecOperation, 'ts' | 'wasm'>

function selector(overrides: Partial<SelectorOptions> = {}) {
  const warn = vi.fn()
  const loadWasm = vi.fn(() => wasmCodec)
  const s = createCodecSelector({
    ts: tsCodec,
    loadWasm,
    loadWasmAsync: async () => wasmCodec,
    autoChoice: allTs,
    autoTable: { measuredAt: null, wasmOverTs: {} },
    moduleBytes: 628,
    initialMode: undefined,
    warn,
    ...overrides,
  })
  return { s, warn, loadWasm }
}

describe('codec selection', () => {
  it('defaults to auto, and auto follows the table per operation', () => {
    const mixed = { ...allTs, decodeWirePayload: 'wasm' as const }
    const { s } = selector({ autoChoice: mixed })
    expect(s.getCodec()).toBe('auto')
    expect(s.getCodecInfo().operations).toEqual(mixed)
    expect(s.dispatch.decodeWirePayload).toBe(wasmCodec.decodeWirePayload)
    expect(s.dispatch.createFrame).toBe(tsCodec.createFrame)
  })

  it('PIXSTORE_CODEC=wasm|ts is honoured; an all-TS auto table never instantiates WASM', () => {
    expect(selector({ initialMode: 'wasm' }).s.getCodecInfo().operations).toEqual(allWasm)
    const { s, loadWasm } = selector({ initialMode: 'ts', autoChoice: allWasm })
    expect(s.getCodecInfo().operations).toEqual(allTs)
    expect(loadWasm).not.toHaveBeenCalled()
    const auto = selector({ initialMode: 'auto' })
    expect(auto.loadWasm).not.toHaveBeenCalled()
    expect(auto.s.getCodecInfo().wasm.status).toBe('not-loaded')
  })

  it('an unknown PIXSTORE_CODEC falls back to auto with a warning', () => {
    const { s, warn } = selector({ initialMode: 'fast' })
    expect(s.getCodec()).toBe('auto')
    expect(warn).toHaveBeenCalledTimes(1)
  })

  it('setCodec switches every operation at runtime and instantiates WASM once', () => {
    const { s, loadWasm } = selector()
    s.setCodec('wasm')
    expect(s.getCodecInfo()).toMatchObject({ mode: 'wasm', operations: allWasm, wasm: { status: 'ready' } })
    expect(s.dispatch.encodeWirePayload).toBe(wasmCodec.encodeWirePayload)
    s.setCodec('ts')
    expect(s.dispatch.encodeWirePayload).toBe(tsCodec.encodeWirePayload)
    s.setCodec('wasm')
    expect(loadWasm).toHaveBeenCalledTimes(1)
  })

  it('setCodec with anything else throws CONFIG_INVALID and keeps the current mode', () => {
    const { s } = selector({ initialMode: 'ts' })
    for (const bad of ['WASM', '', null, 1]) {
      expect(() => s.setCodec(bad as never)).toThrow(PixstoreError)
      try {
        s.setCodec(bad as never)
      } catch (e) {
        expect((e as PixstoreError).code).toBe('CONFIG_INVALID')
      }
    }
    expect(s.getCodec()).toBe('ts')
  })

  it('when WASM cannot be instantiated, TS serves everything and exactly one warning is logged', () => {
    const { s, warn } = selector({
      initialMode: 'wasm',
      loadWasm: () => {
        throw new WebAssembly.CompileError('refused by Content-Security-Policy')
      },
    })
    expect(s.getCodecInfo().operations).toEqual(allTs)
    expect(s.getCodecInfo().wasm).toMatchObject({ status: 'unavailable', error: 'refused by Content-Security-Policy' })
    s.setCodec('auto')
    s.setCodec('wasm')
    expect(s.implementation('wasm')).toBeNull()
    expect(s.dispatch.decodeWirePayload(Uint8Array.of(2))).toEqual({ state: 2 })
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]![0])).toContain('TypeScript codec')
  })

  it('initCodec loads WASM asynchronously, never rejects, and warns once on failure', async () => {
    const ok = selector()
    await expect(ok.s.initCodec()).resolves.toMatchObject({ wasm: { status: 'ready' } })
    expect(ok.loadWasm).not.toHaveBeenCalled()
    const bad = selector({
      loadWasmAsync: async () => {
        throw new Error('no WebAssembly')
      },
    })
    await expect(bad.s.initCodec()).resolves.toMatchObject({ wasm: { status: 'unavailable' } })
    bad.s.setCodec('wasm')
    expect(bad.warn).toHaveBeenCalledTimes(1)
  })
})

describe('the public pixstore/codec module', () => {
  afterEach(() => {
    vi.unstubAllEnvs()
    vi.resetModules()
  })

  it('reads PIXSTORE_CODEC at import and its functions follow setCodec', async () => {
    vi.stubEnv('PIXSTORE_CODEC', 'wasm')
    vi.resetModules()
    const codec = await import('../../src/codec/index.js')
    expect(codec.getCodec()).toBe('wasm')
    expect(codec.getCodecInfo().operations.decodeWirePayload).toBe('wasm')
    expect(codec.getCodecImplementation('wasm')?.kind).toBe('wasm')
    expect(codec.decodeWirePayload(Uint8Array.of(0, 7))).toMatchObject({ state: 0 })
    codec.setCodec('ts')
    expect(codec.getCodecInfo().operations).toEqual(allTs)
    expect(() => codec.decodeWirePayload(Uint8Array.of(9))).toThrow(expect.objectContaining({ code: 'WIRE_UNKNOWN_STATE' }))
  })

  it('the committed auto table names a codec for every operation', async () => {
    const { AUTO_CHOICE } = await import('../../src/codec/auto-choice.generated.js')
    expect(Object.keys(AUTO_CHOICE).sort()).toEqual([...CODEC_OPERATIONS].sort())
    for (const choice of Object.values(AUTO_CHOICE)) expect(['wasm', 'ts']).toContain(choice)
  })
})
