// The serving core of a batch: each item exactly serveImage's answer (one failing item fails alone),
// the scope callback asked once, items served concurrently but bounded, one buffer for N items of
// one version; the request checker; customEndpointBatchHelper; the two config keys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { customEndpointBatchHelper, customEndpointHelper, getImageRecord, saveImage, type ImageRecord } from '../../../src/backend/index.js'
import { readyState, type BackendState } from '../../../src/backend/backend-state.js'
import { resolveBackendConfig } from '../../../src/backend/config/backend-config.js'
import { checkBatchRequest, parseBatchRequest } from '../../../src/backend/serve/batch-request.js'
import { joinFrame } from '../../../src/backend/serve/frame.js'
import { serveImage } from '../../../src/backend/serve/serve-image.js'
import { joinBatch, serveImageBatch, type ServeBatchItem } from '../../../src/backend/serve/serve-image-batch.js'
import { PixstoreError } from '../../../src/shared/errors.js'
import { WireState } from '../../../src/types/index.js'
import { makeTempDir, removeDir, startBackend, stopBackend } from '../../helpers/backend-fixture.js'
import { generateImage } from '../../helpers/sample-images.js'
import { makeMixedBatch, splitContainer, type MixedBatch } from './batch-wire.js'
import { pixstoreRejection as rejection } from '../../helpers/rejection.js'

let dir: string
let state: BackendState
let mixed: MixedBatch
let big: ImageRecord

const asServeItems = (m: MixedBatch): ServeBatchItem[] => m.items.map((i) => ({ id: i.id, token: i.token ?? undefined, proof: i.proof ?? undefined }))


beforeAll(async () => {
  dir = await makeTempDir('batch-core')
  // LRU off: sharing must come from the responses in flight, not from the cache.
  await startBackend(dir, { ciphertextCacheBytes: 0, maxBatchItems: 40 })
  state = await readyState()
  mixed = await makeMixedBatch()
  big = (await saveImage(generateImage('png', { width: 256, height: 256, seed: 9 })))!
})
afterAll(async () => {
  await stopBackend()
  await removeDir(dir)
})

describe('serveImageBatch', () => {
  it('answers each item exactly as serveImage does, in order, under a directory of their lengths', async () => {
    const items = asServeItems(mixed)
    const served = await serveImageBatch(state, items)
    expect(served.frames.map((f) => f.state)).toEqual(mixed.states)
    for (let i = 0; i < items.length; i++) {
      expect(joinFrame(served.frames[i]!)).toEqual(joinFrame(await serveImage(state, items[i]!)))
    }
    const container = joinBatch(served)
    expect(container.length).toBe(served.length)
    expect(splitContainer(container).map((f) => Buffer.from(f))).toEqual(served.frames.map((f) => Buffer.from(joinFrame(f))))
  })

  it('one failing item fails alone (InternalError), the others are served', async () => {
    const items = asServeItems(mixed)
    const victim = mixed.items[0]!.id
    const failing: BackendState = {
      ...state,
      storage: { ...state.storage, getHead: (id: string, t?: number) => (id === victim ? Promise.reject(new Error('disk on fire')) : state.storage.getHead(id, t)) } as never,
    }
    const served = await serveImageBatch(failing, items)
    const expected = mixed.states.map((s, i) => (mixed.items[i]!.id === victim && (s === WireState.Success || s === WireState.Updated) ? WireState.InternalError : s))
    expect(served.frames.map((f) => f.state)).toEqual(expected)
    expect(expected.filter((s) => s === WireState.InternalError)).toHaveLength(2)
  })

  it('serves items concurrently, at most 8 at once', async () => {
    let inFlight = 0
    let peak = 0
    const slow: BackendState = {
      ...state,
      storage: {
        ...state.storage,
        getHead: async (id: string, t?: number) => {
          peak = Math.max(peak, ++inFlight)
          await new Promise((r) => setImmediate(r))
          try {
            return await state.storage.getHead(id, t)
          } finally {
            inFlight--
          }
        },
      } as never,
    }
    const item = asServeItems(mixed)[0]!
    const served = await serveImageBatch(slow, Array(40).fill(item))
    expect(served.frames.every((f) => f.state === WireState.Success)).toBe(true)
    expect(peak).toBeGreaterThan(1)
    expect(peak).toBeLessThanOrEqual(8)
  })

  it('asks the scope callback once per batch; its failure is every item InternalError', async () => {
    const scoped = (await getImageRecord(big.id, { scope: 'alice' }))!
    let calls = 0
    const items = Array(5).fill({ id: big.id, token: big.token, proof: scoped.statelessProof })
    const ok = await serveImageBatch(state, items, { resolveScope: async () => (calls++, 'alice') })
    expect(calls).toBe(1)
    expect(ok.frames.every((f) => f.state === WireState.Success)).toBe(true)
    const wrong = await serveImageBatch(state, items, { scope: 'bob' })
    expect(wrong.frames.every((f) => f.state === WireState.InvalidProof)).toBe(true)
    const thrown = await serveImageBatch(state, items, { resolveScope: () => { throw new Error('auth down') } })
    expect(thrown.frames.every((f) => f.state === WireState.InternalError)).toBe(true)
  })

  it('N items of one version hold one ciphertext buffer (LRU off)', async () => {
    const item = { id: big.id, token: big.token, proof: big.statelessProof }
    const served = await serveImageBatch(state, Array(32).fill(item))
    const memories = new Set(served.frames.map((f) => f.body!.buffer))
    expect(served.frames[0]!.body!.length).toBeGreaterThan(1000)
    expect(memories.size).toBe(1)
  })

  it('an item that is not an object is served as a GET without fields (MissingID), never a rejection', async () => {
    const item = asServeItems(mixed)[0]!
    const served = await serveImageBatch(state, [null, 7, item] as never)
    expect(served.frames.map((f) => f.state)).toEqual([WireState.MissingID, WireState.MissingID, WireState.Success])
  })

  it('rejects a count outside 1..256 with ARGUMENT_INVALID (a caller bug)', async () => {
    const item = asServeItems(mixed)[0]!
    expect((await rejection(serveImageBatch(state, []))).code).toBe('ARGUMENT_INVALID')
    expect((await rejection(serveImageBatch(state, Array(257).fill(item)))).code).toBe('ARGUMENT_INVALID')
  })
})

describe('checkBatchRequest / parseBatchRequest', () => {
  it('reads absent token and proof as none, and keeps values for serveImage to judge', () => {
    const r = checkBatchRequest({ v: 1, items: [{ id: 'a:b' }, { id: '', token: -4, proof: '' }] }, 10)
    expect(r).toEqual({ ok: true, items: [{ id: 'a:b', token: undefined, proof: undefined }, { id: '', token: -4, proof: '' }] })
  })

  it('refuses wrong shapes (400) and too many items (413), naming the problem', () => {
    expect(checkBatchRequest({ v: 1, items: Array(11).fill({ id: 'x' }) }, 10)).toMatchObject({ ok: false, status: 413 })
    expect(checkBatchRequest({ v: 1, items: [{ id: 'x', token: '1' }] }, 10)).toMatchObject({ ok: false, status: 400, message: expect.stringContaining('item 0') })
    expect(parseBatchRequest(new TextEncoder().encode('{"__proto__":{"v":1},"items":[{"id":"x"}]}'), 10)).toMatchObject({ ok: false, status: 400 })
    expect(parseBatchRequest(new TextEncoder().encode('{"v":1,"items":[{"id":"x","__proto__":{}}]}'), 10)).toMatchObject({ ok: false, status: 400 })
    expect(parseBatchRequest(Uint8Array.of(0x7b, 0xff, 0x7d), 10)).toMatchObject({ ok: false, status: 400 })
  })
})

describe('customEndpointBatchHelper', () => {
  it('is the container of customEndpointHelper answers, in order', async () => {
    const items = mixed.items.map((i) => ({ imageId: i.id, clientToken: i.token, statelessProof: i.proof }))
    const frames = splitContainer((await customEndpointBatchHelper(items))!)
    expect(frames).toHaveLength(items.length)
    for (let i = 0; i < items.length; i++) {
      const single = await customEndpointHelper(items[i]!.imageId, items[i]!.clientToken, items[i]!.statelessProof)
      expect(Buffer.from(frames[i]!).equals(Buffer.from(single))).toBe(true)
    }
  })

  it('a malformed item is its own state frame; the scope option applies to every item', async () => {
    const scoped = (await getImageRecord(big.id, { scope: 'alice' }))!
    const good = { imageId: big.id, clientToken: big.token, statelessProof: scoped.statelessProof }
    const frames = splitContainer((await customEndpointBatchHelper([null, 7, { imageId: big.id }, good] as never, { scope: 'alice' }))!)
    expect(frames.map((f) => f[0])).toEqual([WireState.MissingID, WireState.MissingID, WireState.MissingProof, WireState.Success])
    const unscoped = splitContainer((await customEndpointBatchHelper([good]))!)
    expect(unscoped[0]).toEqual(Uint8Array.of(WireState.InvalidProof))
  })

  it('rejects (throw mode) with ARGUMENT_INVALID for no array, no items, or more than maxBatchItems', async () => {
    const good = { imageId: big.id, clientToken: big.token, statelessProof: big.statelessProof }
    for (const items of [undefined, {}, [], Array(41).fill(good)]) {
      expect((await rejection(customEndpointBatchHelper(items as never))).code).toBe('ARGUMENT_INVALID')
    }
    expect(splitContainer((await customEndpointBatchHelper(Array(40).fill(good)))!)).toHaveLength(40)
  })
})

describe('config keys', () => {
  it('maxBatchItems 1..256 (default 64), maxBatchRequestBytes 1 KiB..16 MiB (default 64 KiB)', () => {
    expect(resolveBackendConfig({})).toMatchObject({ maxBatchItems: 64, maxBatchRequestBytes: 65536 })
    expect(resolveBackendConfig({ maxBatchItems: 256, maxBatchRequestBytes: 1024 })).toMatchObject({ maxBatchItems: 256, maxBatchRequestBytes: 1024 })
    for (const bad of [{ maxBatchItems: 0 }, { maxBatchItems: 257 }, { maxBatchItems: 1.5 }, { maxBatchRequestBytes: 100 }, { maxBatchRequestBytes: '64k' }]) {
      expect(() => resolveBackendConfig(bad as never)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining(Object.keys(bad)[0]!) }))
    }
  })
})
