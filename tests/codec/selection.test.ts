import { afterEach, describe, expect, it, vi } from 'vitest'
import { CODEC_OPERATIONS, createCodecSelector, type CodecOperation, type SelectorOptions } from '../../src/codec/selection.js'
import { tsCodec } from '../../src/codec/ts/ts-codec.js'
import { expectCode, wasmCodec } from './implementations.js'

const allTs = Object.fromEntries(CODEC_OPERATIONS.map((op) => [op, 'ts'])) as Record<CodecOperation, 'ts' | 'wasm'>
const allWasm = Object.fromEntries(CODEC_OPERATIONS.map((op) => [op, 'wasm'])) as Record<CodecOperation, 'ts' | 'wasm'>
const refused = () => {
  throw new WebAssembly.CompileError('refused by Content-Security-Policy')
}

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
    expect(s.dispatch.decodeWirePayload(Uint8Array.of(3))).toEqual({ state: 3 })
    expect(s.dispatch.decodeWirePayload).toBe(wasmCodec.decodeWirePayload)
    expect(s.dispatch.createFrame).toBe(tsCodec.createFrame)
  })

  it('WASM is instantiated lazily: on the first call of an operation assigned to it, once, then called directly', () => {
    const { s, loadWasm, warn } = selector({ autoChoice: { ...allTs, decodeBatch: 'wasm', decodeWirePayload: 'wasm' } })
    expect(loadWasm).not.toHaveBeenCalled()
    expect(s.getCodecInfo().wasm.status).toBe('not-loaded')
    // A TS operation does not load it.
    s.dispatch.encodeWirePayload({ state: 2 })
    expect(loadWasm).not.toHaveBeenCalled()
    const loader = s.dispatch.decodeWirePayload
    expect(loader).not.toBe(wasmCodec.decodeWirePayload)
    expect(s.dispatch.decodeWirePayload(Uint8Array.of(0, 9))).toMatchObject({ state: 0 })
    expect(loadWasm).toHaveBeenCalledTimes(1)
    expect(s.getCodecInfo().wasm.status).toBe('ready')
    // Every WASM entry now IS the WASM function (no per-call check), including the other one.
    expect(s.dispatch.decodeWirePayload).toBe(wasmCodec.decodeWirePayload)
    expect(s.dispatch.decodeBatch).toBe(wasmCodec.decodeBatch)
    loader(Uint8Array.of(4)) // an old reference to the loader still works and does not reload
    expect(loadWasm).toHaveBeenCalledTimes(1)
    expect(warn).not.toHaveBeenCalled()
  })

  it('PIXSTORE_CODEC=wasm|ts is honoured without instantiating anything at start', () => {
    const wasmMode = selector({ initialMode: 'wasm' })
    expect(wasmMode.s.getCodecInfo().operations).toEqual(allWasm)
    expect(wasmMode.loadWasm).not.toHaveBeenCalled()
    const { s, loadWasm } = selector({ initialMode: 'ts', autoChoice: allWasm })
    expect(s.getCodecInfo().operations).toEqual(allTs)
    s.dispatch.decodeWirePayload(Uint8Array.of(2))
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
    expect(loadWasm).toHaveBeenCalledTimes(1)
    expect(s.getCodecInfo()).toMatchObject({ mode: 'wasm', operations: allWasm, wasm: { status: 'ready' } })
    expect(s.dispatch.encodeWirePayload).toBe(wasmCodec.encodeWirePayload)
    s.setCodec('ts')
    expect(s.dispatch.encodeWirePayload).toBe(tsCodec.encodeWirePayload)
    s.setCodec('wasm')
    expect(loadWasm).toHaveBeenCalledTimes(1)
  })

  it('setCodec with anything else throws CONFIG_INVALID and keeps the current mode', () => {
    const { s } = selector({ initialMode: 'ts' })
    for (const bad of ['WASM', '', null, 1]) expectCode(() => s.setCodec(bad as never), 'CONFIG_INVALID')
    expect(s.getCodec()).toBe('ts')
  })

  it("setCodec('wasm') where WASM cannot be instantiated throws CODEC_UNAVAILABLE, keeps the mode, logs nothing", () => {
    const { s, warn } = selector({ initialMode: 'ts', loadWasm: refused })
    const error = expectCode(() => s.setCodec('wasm'), 'CODEC_UNAVAILABLE')
    expect(error.message).toContain('refused by Content-Security-Policy')
    expect(s.getCodec()).toBe('ts')
    expect(s.getCodecInfo().wasm).toMatchObject({ status: 'unavailable', error: 'refused by Content-Security-Policy' })
    expectCode(() => s.setCodec('wasm'), 'CODEC_UNAVAILABLE') // and again, without retrying forever
    expect(s.implementation('wasm')).toBeNull()
    expect(s.dispatch.decodeWirePayload(Uint8Array.of(2))).toEqual({ state: 2 })
    expect(warn).not.toHaveBeenCalled()
  })

  it('PIXSTORE_CODEC=wasm where WASM cannot run: operations throw CODEC_UNAVAILABLE (never TS in secret) until the mode changes', () => {
    const { s, warn } = selector({ initialMode: 'wasm', loadWasm: refused })
    expectCode(() => s.dispatch.decodeWirePayload(Uint8Array.of(2)), 'CODEC_UNAVAILABLE')
    expectCode(() => s.dispatch.createFrame(null, 1), 'CODEC_UNAVAILABLE')
    expect(s.getCodecInfo().wasm.status).toBe('unavailable')
    s.setCodec('ts')
    expect(s.dispatch.decodeWirePayload(Uint8Array.of(2))).toEqual({ state: 2 })
    expect(warn).not.toHaveBeenCalled()
  })

  it('auto where WASM cannot be instantiated: TS serves the WASM operations, exactly one warning', () => {
    const { s, warn } = selector({ autoChoice: { ...allTs, decodeWirePayload: 'wasm', createFrame: 'wasm' }, loadWasm: refused })
    expect(warn).not.toHaveBeenCalled() // nothing tried yet
    expect(s.dispatch.decodeWirePayload(Uint8Array.of(2))).toEqual({ state: 2 })
    expect(s.getCodecInfo().operations).toEqual(allTs)
    expect(s.dispatch.decodeWirePayload).toBe(tsCodec.decodeWirePayload)
    expect(s.dispatch.createFrame(null, 1).frame.length).toBe(2)
    s.setCodec('ts')
    s.setCodec('auto')
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]![0])).toContain('TypeScript codec')
  })

  it('initCodec loads WASM asynchronously and never rejects', async () => {
    const ok = selector()
    await expect(ok.s.initCodec()).resolves.toMatchObject({ wasm: { status: 'ready' } })
    expect(ok.loadWasm).not.toHaveBeenCalled()
    const bad = selector({
      autoChoice: { ...allTs, decodeWirePayload: 'wasm' },
      loadWasmAsync: async () => {
        throw new Error('no WebAssembly')
      },
    })
    await expect(bad.s.initCodec()).resolves.toMatchObject({ wasm: { status: 'unavailable', error: 'no WebAssembly' } })
    expect(bad.warn).toHaveBeenCalledTimes(1) // auto falls back for decodeWirePayload
    expectCode(() => bad.s.setCodec('wasm'), 'CODEC_UNAVAILABLE')
    expect(bad.warn).toHaveBeenCalledTimes(1)
  })
})

// Counts every way to compile or instantiate WebAssembly (restored after each test).
const realWebAssembly = { ...Object.fromEntries(['Module', 'Instance', 'compile', 'instantiate'].map((k) => [k, (WebAssembly as any)[k]])) }
function countWebAssembly(): Record<string, number> {
  const calls: Record<string, number> = {}
  for (const [name, real] of Object.entries(realWebAssembly)) {
    calls[name] = 0
    ;(WebAssembly as any)[name] = new Proxy(real, {
      construct: (target, args) => (calls[name]!++, Reflect.construct(target, args)),
      apply: (target, self, args) => (calls[name]!++, Reflect.apply(target, self, args)),
    })
  }
  return calls
}

describe('the public pixstore/codec module', () => {
  afterEach(() => {
    Object.assign(WebAssembly, realWebAssembly)
    vi.unstubAllEnvs()
    vi.restoreAllMocks()
    vi.resetModules()
  })

  it('importing it compiles no WASM and logs nothing; WASM status stays not-loaded until a WASM operation runs', async () => {
    vi.stubEnv('PIXSTORE_CODEC', 'wasm')
    vi.resetModules()
    const calls = countWebAssembly()
    const warn = vi.spyOn(console, 'warn')
    const codec = await import('../../src/codec/index.js')
    expect(calls).toEqual({ Module: 0, Instance: 0, compile: 0, instantiate: 0 })
    expect(codec.getCodecInfo().wasm.status).toBe('not-loaded')
    expect(codec.getCodecInfo().operations.decodeWirePayload).toBe('wasm')
    expect(codec.decodeWirePayload(Uint8Array.of(0, 7))).toMatchObject({ state: 0 })
    expect(calls).toMatchObject({ Module: 1, Instance: 1 })
    expect(codec.getCodecInfo().wasm.status).toBe('ready')
    expect(warn).not.toHaveBeenCalled()
  })

  it('reads PIXSTORE_CODEC at import and its functions follow setCodec', async () => {
    vi.stubEnv('PIXSTORE_CODEC', 'wasm')
    vi.resetModules()
    const codec = await import('../../src/codec/index.js')
    expect(codec.getCodec()).toBe('wasm')
    expect(codec.getCodecImplementation('wasm')?.kind).toBe('wasm')
    expect(codec.decodeBatch(codec.encodeBatch([Uint8Array.of(2)]))).toEqual([{ state: 2 }])
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
