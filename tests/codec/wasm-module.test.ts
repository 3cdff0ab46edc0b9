import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WASM_BYTE_LENGTH, wasmModuleBytes } from '../../src/codec/wasm/wasm-bytes.generated.js'
import { createWasmCodec } from '../../src/codec/wasm/wasm-codec.js'

const root = path.resolve(import.meta.dirname, '../..')

describe('the embedded WASM module', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pixstore-wasm-'))
    execFileSync(process.execPath, ['scripts/build-wasm.mjs', '--out-dir', dir], { cwd: root, stdio: 'pipe' })
    // A variant whose memory may grow, to check the binding's one place that renews its views.
    execFileSync(
      process.execPath,
      ['node_modules/assemblyscript/bin/asc.js', '--config', 'asconfig.json', '--target', 'release', '--maximumMemory', '4', '--outFile', path.join(dir, 'growable.wasm')],
      { cwd: root, stdio: 'pipe' },
    )
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
        'function:checkBatch',
        'function:constantTimeDiff',
        'function:encodeBatchHeader',
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

  it('constantTimeDiff leaves no copy of the compared MACs in the scratch', () => {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(wasmModuleBytes()), {})
    const { memory, scratchOffset, scratchSize, constantTimeDiff } = instance.exports as unknown as {
      memory: WebAssembly.Memory
      scratchOffset(): number
      scratchSize(): number
      constantTimeDiff(length: number, acc: number): number
    }
    const half = scratchSize() >> 1
    const scratch = new Uint8Array(memory.buffer, scratchOffset(), scratchSize())
    scratch.fill(0xab, 0, 32)
    scratch.fill(0xab, half, half + 32)
    expect(constantTimeDiff(32, 0)).toBe(0)
    expect(scratch.subarray(0, 32).every((b) => b === 0)).toBe(true)
    expect(scratch.subarray(half, half + 32).every((b) => b === 0)).toBe(true)
    scratch[half + 31] = 1
    expect(constantTimeDiff(32, 0)).toBe(1)
    expect(constantTimeDiff(half + 1, 0)).toBe(-1)
  })

  it('if memory ever grows (a build without the cap), the binding renews its views before using them', () => {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path.join(dir, 'growable.wasm'))), {})
    const codec = createWasmCodec(instance)
    const key = new Uint8Array(32).fill(7)
    const header = { token: 2 ** 40 + 3, key, iv: new Uint8Array(12).fill(8), tag: new Uint8Array(16).fill(9) }
    const before = codec.createFrame(header, 2).frame
    const memory = instance.exports.memory as WebAssembly.Memory
    memory.grow(1) // detaches the old buffer: views made before now read length 0
    const after = codec.createFrame(header, 2).frame
    expect(Buffer.compare(after, before)).toBe(0)
    // A frame with another token than the one createFrame just left in the scratch, so a decode
    // through a stale view (writing nowhere) cannot pass by reading leftovers.
    const other = codec.createFrame({ ...header, token: 12345 }, 0).frame
    codec.createFrame(header, 0)
    memory.grow(1)
    const decoded = codec.decodeWirePayload(other)
    expect(decoded.state === 1 && decoded.token).toBe(12345)
    memory.grow(1)
    expect(codec.constantTimeEqual(key, Uint8Array.from(key))).toBe(true)
    expect(codec.constantTimeEqual(key, new Uint8Array(32))).toBe(false)
  })
})
