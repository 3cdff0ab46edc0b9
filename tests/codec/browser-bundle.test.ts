import vm from 'node:vm'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildCodecBrowserBundle } from './codec-browser-bundle.js'

// The frontend bundle imports pixstore/codec, so the codec must bundle for browsers with no node:
// import reachable and run where there is no process, Buffer or atob.
let bundle: string
let inputs: string[]

beforeAll(async () => {
  ;({ text: bundle, inputs } = await buildCodecBrowserBundle())
})

function runInBrowserLikeContext(globals: Record<string, unknown>, script: string, prelude = ''): unknown {
  const context = vm.createContext({ ...globals })
  vm.runInContext(prelude, context)
  vm.runInContext(bundle, context)
  return vm.runInContext(script, context)
}

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

  it('without WebAssembly it falls back to TS with exactly one console.warn', () => {
    const warnings: unknown[] = []
    const result = runInBrowserLikeContext(
      { console: { warn: (...a: unknown[]) => warnings.push(a) } },
      `(() => {
        const c = PixstoreCodec
        c.setCodec('wasm')
        c.setCodec('auto')
        c.setCodec('wasm')
        const info = c.getCodecInfo()
        return { status: info.wasm.status, decode: info.operations.decodeWirePayload, state: c.decodeWirePayload(new Uint8Array([3])).state }
      })()`,
      // Every V8 context has WebAssembly built in; remove it, as a locked-down engine would.
      'delete globalThis.WebAssembly',
    )
    expect(result).toEqual({ status: 'unavailable', decode: 'ts', state: 3 })
    expect(warnings).toHaveLength(1)
  })
})
