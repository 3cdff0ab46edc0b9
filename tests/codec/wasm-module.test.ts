import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WASM_BYTE_LENGTH, wasmModuleBytes } from '../../src/codec/wasm/wasm-bytes.generated.js'

const root = path.resolve(import.meta.dirname, '../..')

describe('the embedded WASM module', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pixstore-wasm-'))
    execFileSync(process.execPath, ['scripts/build-wasm.mjs', '--out-dir', dir], { cwd: root, stdio: 'pipe' })
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('is not stale: rebuilding assembly/ gives exactly the committed generated module', () => {
    const rebuilt = readFileSync(path.join(dir, 'wasm-bytes.generated.ts'), 'utf8')
    const committed = readFileSync(path.join(root, 'src/codec/wasm/wasm-bytes.generated.ts'), 'utf8')
    expect(rebuilt === committed, 'run `npm run build` and commit src/codec/wasm/wasm-bytes.generated.ts').toBe(true)
  })

  it('the embedded base64 decodes to the bytes asc produced', () => {
    const built = readFileSync(path.join(dir, 'pixstore-codec.wasm'))
    expect(WASM_BYTE_LENGTH).toBe(built.length)
    expect(Buffer.compare(Buffer.from(wasmModuleBytes()), built)).toBe(0)
  })

  it('is below 4096 bytes, so Chrome may compile it synchronously on the main thread', () => {
    expect(WASM_BYTE_LENGTH).toBeLessThan(4096)
    expect(WebAssembly.validate(wasmModuleBytes())).toBe(true)
  })

  it('imports nothing and exports exactly the raw functions the binding calls', () => {
    const module = new WebAssembly.Module(wasmModuleBytes())
    expect(WebAssembly.Module.imports(module)).toEqual([])
    expect(WebAssembly.Module.exports(module).map((e) => `${e.kind}:${e.name}`).sort()).toEqual(
      [
        'function:constantTimeDiff',
        'function:decodeFrame',
        'function:encodeToken',
        'function:scratchOffset',
        'function:scratchSize',
        'function:tokensEqual',
        'memory:memory',
      ].sort(),
    )
  })

  it('has one page of memory that cannot grow, so views on it can never go stale', () => {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(wasmModuleBytes()), {})
    const memory = instance.exports.memory as WebAssembly.Memory
    expect(memory.buffer.byteLength).toBe(65536)
    expect(() => memory.grow(1)).toThrow(RangeError)
    const { scratchOffset, scratchSize } = instance.exports as unknown as Record<string, () => number>
    expect(scratchOffset!() + scratchSize!()).toBeLessThanOrEqual(65536)
  })
})
