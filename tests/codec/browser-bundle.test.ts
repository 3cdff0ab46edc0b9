import vm from 'node:vm'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildCodecBrowserBundle } from './codec-browser-bundle.js'

// The frontend bundle imports pixstore/codec, so the codec must bundle for browsers with no node:
// import reachable and run where there is no process, Buffer or atob.
let bundle: string
let autoWasmBundle: string
let frontendBundle: string
let inputs: string[]

beforeAll(async () => {
  ;({ text: bundle, inputs } = await buildCodecBrowserBundle())
  autoWasmBundle = (await buildCodecBrowserBundle({ autoAllWasm: true })).text
  frontendBundle = (await buildCodecBrowserBundle({ entry: 'frontend' })).text
})

function runInBrowserLikeContext(globals: Record<string, unknown>, script: string, prelude = '', code = bundle): unknown {
  const context = vm.createContext({ ...globals })
  vm.runInContext(prelude, context)
  vm.runInContext(code, context)
  return vm.runInContext(script, context)
}

// Counts every compilation or instantiation the page's WebAssembly sees.
const COUNTING_WEBASSEMBLY = `
globalThis.__wasmCalls = 0
const real = WebAssembly
const count = (f) => new Proxy(f, { construct: (t, a) => (globalThis.__wasmCalls++, Reflect.construct(t, a)), apply: (t, s, a) => (globalThis.__wasmCalls++, Reflect.apply(t, s, a)) })
globalThis.WebAssembly = { ...real, Module: count(real.Module), Instance: count(real.Instance), compile: count(real.compile), instantiate: count(real.instantiate) }
`

describe('pixstore/codec in a browser bundle', () => {
  it('bundles for the browser with only src/ inputs and no node: import', () => {
    expect(inputs.length).toBeGreaterThan(5)
    for (const input of inputs) expect(input, input).toMatch(/^src\//)
    expect(bundle).not.toMatch(/\brequire\(|["']node:/)
  })

  it('runs without process, Buffer or atob, and switches to WASM at runtime', () => {
    const warnings: unknown[] = []
    const result = runInBrowserLikeContext(
      { WebAssembly, console: { warn: (...a: unknown[]) => warnings.push(a) }, Uint8Array },
      `(() => {
        const c = PixstoreCodec
        const before = c.getCodec()
        c.setCodec('wasm')
        const info = c.getCodecInfo()
        const p = c.decodeWirePayload(c.encodeWirePayload({ state: 0, ciphertext: new Uint8Array([5, 6]) }))
        return { before, status: info.wasm.status, decode: info.operations.decodeWirePayload, ct: Array.from(p.ciphertext) }
      })()`,
    )
    expect(result).toEqual({ before: 'auto', status: 'ready', decode: 'wasm', ct: [5, 6] })
    expect(runInBrowserLikeContext({}, 'typeof process + typeof Buffer + typeof atob')).toBe('undefinedundefinedundefined')
    expect(warnings).toEqual([])
  })

  it('loading the frontend bundle compiles no WASM and logs nothing; WASM stays not-loaded', () => {
    const logs: unknown[] = []
    const log = (...a: unknown[]) => logs.push(a)
    const result = runInBrowserLikeContext(
      { WebAssembly, console: { warn: log, log, error: log, info: log }, Uint8Array },
      `({ calls: globalThis.__wasmCalls, status: PixstoreFrontend.getCodecInfo().wasm.status })`,
      COUNTING_WEBASSEMBLY,
      frontendBundle,
    )
    expect(result).toEqual({ calls: 0, status: 'not-loaded' })
    expect(logs).toEqual([])
  })

  it('even with every operation given to WASM, loading compiles nothing: the first WASM call does, once', () => {
    const result = runInBrowserLikeContext(
      { WebAssembly, Uint8Array },
      `(() => {
        const c = PixstoreCodec
        const atLoad = [globalThis.__wasmCalls, c.getCodecInfo().wasm.status]
        c.decodeWirePayload(new Uint8Array([2]))
        c.decodeWirePayload(new Uint8Array([3]))
        return { atLoad, after: [globalThis.__wasmCalls, c.getCodecInfo().wasm.status] }
      })()`,
      COUNTING_WEBASSEMBLY,
      autoWasmBundle,
    )
    expect(result).toEqual({ atLoad: [0, 'not-loaded'], after: [2, 'ready'] }) // one Module + one Instance
  })

  it("without WebAssembly: setCodec('wasm') throws CODEC_UNAVAILABLE; auto falls back to TS with exactly one console.warn", () => {
    const warnings: unknown[] = []
    const result = runInBrowserLikeContext(
      { console: { warn: (...a: unknown[]) => warnings.push(a) } },
      `(() => {
        const c = PixstoreCodec
        let code = null
        try { c.setCodec('wasm') } catch (e) { code = e.code }
        const state = c.decodeWirePayload(new Uint8Array([3])).state
        c.setCodec('ts')
        c.setCodec('auto')
        c.decodeWirePayload(new Uint8Array([4]))
        const info = c.getCodecInfo()
        return { code, mode: info.mode, status: info.wasm.status, decode: info.operations.decodeWirePayload, state }
      })()`,
      // Every V8 context has WebAssembly built in; remove it, as a locked-down engine would.
      'delete globalThis.WebAssembly',
      autoWasmBundle,
    )
    expect(result).toEqual({ code: 'CODEC_UNAVAILABLE', mode: 'auto', status: 'unavailable', decode: 'ts', state: 3 })
    expect(warnings).toHaveLength(1)
  })
})
