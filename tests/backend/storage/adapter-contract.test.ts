// One suite, run unchanged against every storage adapter: the guarantees of
// src/backend/storage/contract.ts, checked byte for byte.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { ImageVersionInput, StorageAdapter } from '../../../src/backend/storage/contract.js'
import { isPixstoreError } from '../../../src/shared/errors.js'
import { adapterFactories, type TestStore } from './adapter-factories.js'
import { fieldsOf, hex, makeVariant, makeVersion, variantFieldsOf } from './versions.js'
import { rejection } from '../../helpers/rejection.js'

const MAX = Number.MAX_SAFE_INTEGER
/** Lets an event-loop turn pass, as a message between two processes always does. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))
let seq = 0
const newId = (label = 'img') => `${label}-${++seq}-${Math.random().toString(36).slice(2, 8)}`


describe.each(adapterFactories(inject('databaseUrl')))('storage contract: $name', (factory) => {
  let store: TestStore
  let db: StorageAdapter

  beforeAll(async () => {
    store = await factory.create()
    db = store.make()
    await db.open()
  })
  afterAll(async () => {
    await db?.close()
    await store?.cleanup()
  })

  it('open and close are idempotent', async () => {
    const other = store.make()
    await other.open()
    await other.open()
    const id = newId()
    await other.insert(id, makeVersion(), 1000)
    expect(await db.exists(id)).toBe(true)
    await other.close()
    await other.close()
  })

  it('insert stores every byte and returns now as the token', async () => {
    const id = newId()
    const v = makeVersion('key-a', 1000)
    const now = 1_700_000_000_123
    expect(await db.insert(id, v, now)).toBe(now)
    const got = await db.get(id)
    expect(got).not.toBeNull()
    expect(got!.id).toBe(id)
    expect(got!.token).toBe(now)
    expect(fieldsOf(got!)).toEqual(fieldsOf(v))
    const head = await db.getHead(id)
    expect(head).not.toBeNull()
    expect(head).not.toHaveProperty('ciphertext')
    expect({ id: head!.id, token: head!.token, ...fieldsOf(head!) }).toEqual({ id, token: now, ...fieldsOf({ ...v, ciphertext: undefined }) })
    expect(await db.exists(id)).toBe(true)
  })

  it('unknown ids: get/getHead null, exists false, delete false, replace null and stores nothing', async () => {
    const id = newId('missing')
    expect(await db.get(id)).toBeNull()
    expect(await db.getHead(id)).toBeNull()
    expect(await db.exists(id)).toBe(false)
    expect(await db.delete(id)).toBe(false)
    expect(await db.replace(id, makeVersion(), 5000)).toBeNull()
    expect(await db.exists(id)).toBe(false)
  })

  it('insert of an existing id rejects with STORAGE_ERROR and leaves the stored version untouched', async () => {
    const id = newId()
    const first = makeVersion('k1')
    await db.insert(id, first, 2000)
    const error = await rejection(db.insert(id, makeVersion('k2'), 9000))
    expect(isPixstoreError(error, 'STORAGE_ERROR')).toBe(true)
    const got = await db.get(id)
    expect(got!.token).toBe(2000)
    expect(fieldsOf(got!)).toEqual(fieldsOf(first))
  })

  it('replace assigns max(previous + 1, now) and stores the new version whole', async () => {
    const id = newId()
    await db.insert(id, makeVersion(), 10_000)
    // now behind the clock of the last write (another instance's clock, or the same millisecond)
    const v2 = makeVersion('k2', 300)
    expect(await db.replace(id, v2, 5_000)).toBe(10_001)
    expect(await db.replace(id, makeVersion(), 10_001)).toBe(10_002)
    const v4 = makeVersion('k4', 10)
    expect(await db.replace(id, v4, 20_000)).toBe(20_000)
    const got = await db.get(id)
    expect(got!.token).toBe(20_000)
    expect(fieldsOf(got!)).toEqual(fieldsOf(v4))
  })

  it('delete removes the image; the id can then be inserted again', async () => {
    const id = newId()
    await db.insert(id, makeVersion(), 3000)
    expect(await db.delete(id)).toBe(true)
    expect(await db.get(id)).toBeNull()
    expect(await db.exists(id)).toBe(false)
    expect(await db.replace(id, makeVersion(), 4000)).toBeNull()
    const v = makeVersion('again')
    expect(await db.insert(id, v, 5000)).toBe(5000)
    expect(fieldsOf((await db.get(id))!)).toEqual(fieldsOf(v))
  })

  it('ids are exact keys: unicode, spaces, long, differing only in case', async () => {
    const ids = ['Ünïcødé 画像 🐈', 'with space', 'x'.repeat(500), 'Case', 'case']
    const versions = ids.map(() => makeVersion())
    for (const [i, id] of ids.entries()) await db.insert(id, versions[i]!, 100 + i)
    for (const [i, id] of ids.entries()) {
      const got = await db.get(id)
      expect(got!.id).toBe(id)
      expect(got!.token).toBe(100 + i)
      expect(fieldsOf(got!)).toEqual(fieldsOf(versions[i]!))
    }
  })

  it('a 5 MiB ciphertext round-trips byte for byte', async () => {
    const id = newId('big')
    const v = makeVersion('k1', 5 * 1024 * 1024)
    await db.insert(id, v, 1)
    const got = await db.get(id)
    expect(got!.ciphertext.byteLength).toBe(v.ciphertext.byteLength)
    expect(Buffer.compare(Buffer.from(got!.ciphertext), Buffer.from(v.ciphertext))).toBe(0)
  })

  it('returned bytes are not views of unrelated memory', async () => {
    const id = newId()
    const v = makeVersion('k1', 8)
    await db.insert(id, v, 1)
    const got = (await db.get(id))!
    for (const field of [got.wrappedKey, got.iv, got.tag, got.ciphertext]) {
      // A small view into a shared pool would expose other requests' bytes through `.buffer`.
      expect(field.buffer.byteLength).toBe(field.byteLength)
    }
  })

  it('concurrent replaces of one id serialise: every token distinct, none lost, last token holds its version', async () => {
    const id = newId('race')
    await db.insert(id, makeVersion(), 50_000)
    const versions = Array.from({ length: 24 }, (_, i) => makeVersion(`k${i}`, 32))
    // All with the same stale `now`, so each token must come from previous + 1.
    const tokens = await Promise.all(versions.map((v) => db.replace(id, v, 1)))
    expect([...tokens].sort((a, b) => a! - b!)).toEqual(Array.from({ length: 24 }, (_, i) => 50_001 + i))
    const got = (await db.get(id))!
    expect(got.token).toBe(50_024)
    const winner = tokens.indexOf(50_024)
    expect(fieldsOf(got)).toEqual(fieldsOf(versions[winner]!))
  })

  it('data outlives the adapter: a new adapter on the same storage reads it', async () => {
    const id = newId()
    const v = makeVersion('persist')
    await db.insert(id, v, 777)
    const other = store.make()
    await other.open()
    try {
      const got = await other.get(id)
      expect(got!.token).toBe(777)
      expect(fieldsOf(got!)).toEqual(fieldsOf(v))
    } finally {
      await other.close()
    }
  })

  it('two open adapters on one storage see each other’s writes from the next event-loop turn', async () => {
    // Models two backend processes, whose messages always cross an event-loop turn: heads an adapter
    // read (and may cache) must not outlive a commit made through the other one.
    const id = newId()
    await db.insert(id, makeVersion('a'), 1_000)
    const other = store.make()
    await other.open()
    try {
      expect((await other.getHead(id))!.token).toBe(1_000)
      expect((await db.getHead(id))!.token).toBe(1_000)

      const v2 = makeVersion('b')
      expect(await db.replace(id, v2, 0)).toBe(1_001)
      await nextTurn()
      const seen = (await other.getHead(id))!
      expect(seen.token).toBe(1_001)
      expect(fieldsOf(seen)).toEqual(fieldsOf({ ...v2, ciphertext: undefined }))

      expect(await other.replace(id, makeVersion('c'), 0)).toBe(1_002)
      await nextTurn()
      expect((await db.getHead(id))!.token).toBe(1_002)

      expect(await other.rewrapKeys('d', async () => ({ keyId: 'd', wrappedKey: new Uint8Array(40).fill(7) }))).toBeGreaterThanOrEqual(1)
      await nextTurn()
      expect((await db.getHead(id))!.keyId).toBe('d')

      expect(await other.delete(id)).toBe(true)
      await nextTurn()
      expect(await db.getHead(id)).toBeNull()
      expect(await db.exists(id)).toBe(false)
    } finally {
      await other.close()
    }
  })

  it('getHead with minToken never returns a head older than that token, even within one turn', async () => {
    const id = newId()
    await db.insert(id, makeVersion('a'), 2_000)
    const other = store.make()
    await other.open()
    try {
      expect((await other.getHead(id))!.token).toBe(2_000)
      expect(await db.replace(id, makeVersion('b'), 0)).toBe(2_001)
      // No turn in between: a client that already holds token 2001 must not be told about 2000.
      expect((await other.getHead(id, 2_001))!.token).toBe(2_001)
      // Infinity asks for a fresh read whatever is cached (what getImageRecord does).
      expect(await db.replace(id, makeVersion('c'), 0)).toBe(2_002)
      expect((await other.getHead(id, Number.POSITIVE_INFINITY))!.token).toBe(2_002)
    } finally {
      await other.close()
    }
  })

  describe('info (media facts) is stored with its version', () => {
    const info = { mime: 'image/jpeg', width: 3024, height: 4032, bytes: 812_345, placeholder: 'mxgKFYJnd4eHiHeIeHeHiId4V3dw' }

    it('round-trips through insert, replace, get, getHead and rewrapKeys; a version without it reads back without the key', async () => {
      const id = newId('info')
      await db.insert(id, { ...makeVersion('i1'), info }, 10_000)
      expect((await db.get(id))!.info).toEqual(info)
      expect((await db.getHead(id, Infinity))!.info).toEqual(info)

      const next = { mime: 'image/png', width: 1, height: 2, bytes: 3 } // no placeholder
      await db.replace(id, { ...makeVersion('i1'), info: next }, 0)
      expect((await db.get(id))!.info).toEqual(next)
      expect((await db.getHead(id, Infinity))!.info).toEqual(next)

      // rewrap changes key columns only: the facts stay, and the callback sees them.
      const seen: unknown[] = []
      await db.rewrapKeys('i2', async (head) => {
        if (head.id === id) seen.push(head.info)
        return { keyId: 'i2', wrappedKey: new Uint8Array(40).fill(1) }
      })
      expect(seen).toEqual([next])
      expect((await db.get(id))!.info).toEqual(next)

      await db.replace(id, makeVersion('i2'), 0)
      expect(await db.get(id)).not.toHaveProperty('info')
      expect(await db.getHead(id, Infinity)).not.toHaveProperty('info')
    })

    it('a malformed info is refused (ARGUMENT_INVALID) and stores nothing', async () => {
      const id = newId('badinfo')
      for (const bad of [{ ...info, width: -1 }, { ...info, mime: 7 }, { ...info, placeholder: 1 }, 'json', null]) {
        const e = await rejection(db.insert(id, { ...makeVersion(), info: bad as never }, 1000))
        expect(isPixstoreError(e, 'ARGUMENT_INVALID')).toBe(true)
      }
      expect(await db.exists(id)).toBe(false)
      await db.insert(id, { ...makeVersion(), info }, 1000)
      const e = await rejection(db.replace(id, { ...makeVersion(), info: { ...info, bytes: 1.5 } }, 2000))
      expect(isPixstoreError(e, 'ARGUMENT_INVALID')).toBe(true)
      expect((await db.get(id))!.info).toEqual(info)
    })

    it('a table written before the info column: open adds it, old rows read back without info, new versions get it', async () => {
      const old = await factory.create()
      const id = newId('pre-info')
      const v = makeVersion('old')
      await old.seedPreInfoRow(id, v, 4_242)
      const a = old.make()
      const b = old.make()
      try {
        await Promise.all([a.open(), b.open()]) // two processes upgrading one store at once
        const got = (await a.get(id))!
        expect(got).not.toHaveProperty('info')
        expect(fieldsOf(got)).toEqual(fieldsOf(v))
        expect(await a.getHead(id, Infinity)).not.toHaveProperty('info')
        expect(await a.replace(id, { ...makeVersion('old'), info }, 0)).toBe(4_243)
        await nextTurn()
        expect((await b.get(id))!.info).toEqual(info)
      } finally {
        await a.close()
        await b.close()
        await old.cleanup()
      }
    })
  })

  describe('variants are stored with their version', () => {
    const headOf = (v: ReturnType<typeof makeVariant>) => variantFieldsOf({ ...v, ciphertext: undefined })

    it('insert writes the original and every variant; heads list them (no ciphertext); getVariant reads one whole', async () => {
      const id = newId('var')
      const variants = [makeVariant('thumb', 100), makeVariant('medium', 300)]
      const v = { ...makeVersion('kv'), variants }
      const token = await db.insert(id, v, 10_000)
      const head = (await db.getHead(id, Infinity))!
      // Heads list variants in name order, each without ciphertext.
      expect(head.variants!.map(variantFieldsOf)).toEqual([headOf(variants[1]!), headOf(variants[0]!)])
      expect(head.variants![0]).not.toHaveProperty('ciphertext')
      const got = (await db.get(id))!
      expect(fieldsOf(got)).toEqual(fieldsOf(v))
      expect(got.variants!.map(variantFieldsOf)).toEqual(head.variants!.map(variantFieldsOf))
      const thumb = (await db.getVariant(id, 'thumb'))!
      expect({ id: thumb.id, token: thumb.token, keyId: thumb.keyId }).toEqual({ id, token, keyId: 'kv' })
      expect(variantFieldsOf(thumb)).toEqual(variantFieldsOf({ ...variants[0]!, preset: undefined as never }))
      expect(await db.getVariant(id, 'other')).toBeNull()
      expect(await db.getVariant(id, 7 as never)).toBeNull()
      expect(await db.getVariant(newId('none'), 'thumb')).toBeNull()
    })

    it('replace swaps the whole set (old variants gone, new ones under the new token); delete removes them all', async () => {
      const id = newId('var')
      await db.insert(id, { ...makeVersion(), variants: [makeVariant('thumb'), makeVariant('gone')] }, 10_000)
      const next = [makeVariant('thumb', 64), makeVariant('fresh')]
      const token = await db.replace(id, { ...makeVersion(), variants: next }, 0)
      expect(token).toBe(10_001)
      expect((await db.getHead(id, Infinity))!.variants!.map((v) => v.name)).toEqual(['fresh', 'thumb'])
      expect(await db.getVariant(id, 'gone')).toBeNull()
      const thumb = (await db.getVariant(id, 'thumb'))!
      expect(thumb.token).toBe(token)
      expect(hex(thumb.ciphertext)).toBe(hex(next[0]!.ciphertext))
      // A version without variants: none left.
      await db.replace(id, makeVersion(), 0)
      expect(await db.getHead(id, Infinity)).not.toHaveProperty('variants')
      expect(await db.getVariant(id, 'thumb')).toBeNull()
      await db.replace(id, { ...makeVersion(), variants: [makeVariant('thumb')] }, 0)
      expect(await db.delete(id)).toBe(true)
      // Re-inserting the id finds no stray variant of the deleted image.
      await db.insert(id, makeVersion(), 1)
      expect(await db.getVariant(id, 'thumb')).toBeNull()
      expect(await db.get(id)).not.toHaveProperty('variants')
    })

    it('malformed variants are refused (ARGUMENT_INVALID) and store nothing, not even the original', async () => {
      const id = newId('badvar')
      const good = makeVariant('thumb')
      const bad: unknown[] = [
        'x', [null], [{ ...good, name: 'Thumb' }], [good, { ...makeVariant('thumb') }], [{ ...good, ciphertext: 'x' }], [{ ...good, preset: '' }],
        [{ ...good, info: { ...good.info, width: -1 } }], Array.from({ length: 9 }, (_, i) => makeVariant(`v${i}`)),
      ]
      for (const variants of bad) {
        expect(isPixstoreError(await rejection(db.insert(id, { ...makeVersion(), variants: variants as never }, 1000)), 'ARGUMENT_INVALID')).toBe(true)
      }
      expect(await db.exists(id)).toBe(false)
      const first = { ...makeVersion(), variants: [good] }
      await db.insert(id, first, 1000)
      expect(isPixstoreError(await rejection(db.replace(id, { ...makeVersion(), variants: [{ ...good, iv: null }] as never }, 2000)), 'ARGUMENT_INVALID')).toBe(true)
      const got = (await db.get(id))!
      expect(got.token).toBe(1000)
      expect(fieldsOf(got)).toEqual(fieldsOf(first))
      expect(got.variants!.map(variantFieldsOf)).toEqual([headOf(good)])
    })

    it('replace with ifToken writes only while the token is still ifToken (a write in between wins)', async () => {
      const id = newId('iftoken')
      await db.insert(id, makeVersion(), 1000)
      const winner = makeVersion()
      expect(await db.replace(id, winner, 0)).toBe(1001)
      expect(await db.replace(id, { ...makeVersion(), variants: [makeVariant('thumb')] }, 0, 1000)).toBeNull()
      const got = (await db.get(id))!
      expect(got.token).toBe(1001)
      expect(fieldsOf(got)).toEqual(fieldsOf(winner))
      expect(await db.getVariant(id, 'thumb')).toBeNull()
      expect(await db.replace(id, makeVersion(), 0, 1001)).toBe(1002)
      expect(await db.replace(newId('missing'), makeVersion(), 0, 1)).toBeNull()
      expect(isPixstoreError(await rejection(db.replace(id, makeVersion(), 0, -1)), 'ARGUMENT_INVALID')).toBe(true)
    })

    it('listHeads pages through every image in id order, with their variant heads', async () => {
      const own = await factory.create()
      const s = own.make()
      await s.open()
      try {
        const ids = Array.from({ length: 7 }, (_, i) => `page-${String(i).padStart(2, '0')}`)
        for (const id of ids) await s.insert(id, { ...makeVersion(), variants: [makeVariant('thumb')] }, 1000)
        const seen: string[] = []
        for (let after = ''; ;) {
          const page = await s.listHeads(after, 3)
          for (const head of page) {
            expect(head).not.toHaveProperty('ciphertext')
            expect(head.variants!.map((v) => v.name)).toEqual(['thumb'])
            seen.push(head.id)
          }
          if (page.length < 3) break
          after = page.at(-1)!.id
        }
        expect(seen).toEqual(ids)
        for (const [after, limit] of [[1, 3], ['', 0], ['', 1001], ['', 1.5]]) {
          expect(isPixstoreError(await rejection(s.listHeads(after as never, limit as never)), 'ARGUMENT_INVALID')).toBe(true)
        }
      } finally {
        await s.close()
        await own.cleanup()
      }
    })

    it('rewrapKeys hands the variant heads over and stores every key of the row together, or none', async () => {
      const own = await factory.create()
      const s = own.make()
      await s.open()
      try {
        const id = newId('rewrap-var')
        const variants = [makeVariant('a'), makeVariant('b')]
        await s.insert(id, { ...makeVersion('old'), variants }, 1000)
        const wrapped = (n: number) => new Uint8Array(60).fill(n)
        // Missing one variant, or naming one the row lacks: refused, nothing moved.
        for (const partial of [[{ name: 'a', wrappedKey: wrapped(1) }], [{ name: 'a', wrappedKey: wrapped(1) }, { name: 'c', wrappedKey: wrapped(2) }], undefined]) {
          const e = await rejection(s.rewrapKeys('new', async () => ({ keyId: 'new', wrappedKey: wrapped(9), variants: partial })))
          expect(isPixstoreError(e, 'ARGUMENT_INVALID')).toBe(true)
        }
        expect((await s.getHead(id, Infinity))!.keyId).toBe('old')
        expect(hex((await s.getVariant(id, 'a'))!.wrappedKey)).toBe(hex(variants[0]!.wrappedKey))
        const count = await s.rewrapKeys('new', async (head) => {
          expect(head.variants!.map((v) => hex(v.wrappedKey))).toEqual(variants.map((v) => hex(v.wrappedKey)))
          return { keyId: 'new', wrappedKey: wrapped(9), variants: [{ name: 'b', wrappedKey: wrapped(2) }, { name: 'a', wrappedKey: wrapped(1) }] }
        })
        expect(count).toBe(1)
        const head = (await s.getHead(id, Infinity))!
        expect(head.keyId).toBe('new')
        expect(hex(head.wrappedKey)).toBe(hex(wrapped(9)))
        expect(head.variants!.map((v) => hex(v.wrappedKey))).toEqual([hex(wrapped(1)), hex(wrapped(2))])
        const a = (await s.getVariant(id, 'a'))!
        expect({ keyId: a.keyId, wrappedKey: hex(a.wrappedKey), ciphertext: hex(a.ciphertext) }).toEqual({ keyId: 'new', wrappedKey: hex(wrapped(1)), ciphertext: hex(variants[0]!.ciphertext) })
        // Variant keys count under their row's key id.
        expect(await s.keyIds()).toEqual(['new'])
        expect(await s.countByKeyIds(['new'])).toBe(1)
      } finally {
        await s.close()
        await own.cleanup()
      }
    })

    it('a store from before variants gains the table on open (two adapters at once) and takes variants', async () => {
      const old = await factory.create()
      const id = newId('pre-variants')
      await old.seedPreInfoRow(id, makeVersion('old'), 500)
      const a = old.make()
      const b = old.make()
      try {
        await Promise.all([a.open(), b.open()])
        expect(await a.getHead(id, Infinity)).not.toHaveProperty('variants')
        expect(await a.getVariant(id, 'thumb')).toBeNull()
        const thumb = makeVariant('thumb')
        expect(await a.replace(id, { ...makeVersion('old'), variants: [thumb] }, 0)).toBe(501)
        await nextTurn()
        expect(hex((await b.getVariant(id, 'thumb'))!.ciphertext)).toBe(hex(thumb.ciphertext))
        await a.close()
        await a.open() // a second open of an upgraded store changes nothing
        expect((await a.getHead(id, Infinity))!.variants!.length).toBe(1)
      } finally {
        await a.close()
        await b.close()
        await old.cleanup()
      }
    })
  })

  describe('tokens stay ≤ 2^53−1', () => {
    it('insert with now above 2^53−1 rejects and stores nothing', async () => {
      const id = newId()
      const error = await rejection(db.insert(id, makeVersion(), MAX + 2))
      expect(isPixstoreError(error)).toBe(true)
      expect(await db.exists(id)).toBe(false)
    })

    it('replace that would pass 2^53−1 rejects with STORAGE_ERROR and keeps the old version', async () => {
      const id = newId()
      const v = makeVersion()
      expect(await db.insert(id, v, MAX)).toBe(MAX)
      const error = await rejection(db.replace(id, makeVersion('k9'), 0))
      expect(isPixstoreError(error, 'STORAGE_ERROR')).toBe(true)
      const got = (await db.get(id))!
      expect(got.token).toBe(MAX)
      expect(fieldsOf(got)).toEqual(fieldsOf(v))
    })
  })

  describe('rewrapKeys', () => {
    it('rewraps exactly the rows under other key ids, keeping token, iv, tag and ciphertext', async () => {
      // A store of its own: other tests' rows would be rewrapped too.
      const own = await factory.create()
      const s = own.make()
      await s.open()
      try {
        const old = ['a', 'b', 'c'].map((n) => ({ id: newId(n), v: makeVersion('old') }))
        const current = { id: newId('cur'), v: makeVersion('new') }
        for (const [i, r] of [...old, current].entries()) await s.insert(r.id, r.v, 1000 + i)
        const seen: string[] = []
        const rewrapped = new Map<string, Uint8Array>()
        const count = await s.rewrapKeys('new', async (head) => {
          seen.push(head.id)
          expect(head.keyId).toBe('old')
          expect(head).not.toHaveProperty('ciphertext')
          const wrappedKey = new Uint8Array(head.wrappedKey).reverse()
          rewrapped.set(head.id, wrappedKey)
          return { keyId: 'new', wrappedKey }
        })
        expect(count).toBe(3)
        expect(seen.sort()).toEqual(old.map((r) => r.id).sort())
        for (const [i, r] of old.entries()) {
          const got = (await s.get(r.id))!
          expect(got.token).toBe(1000 + i)
          expect(fieldsOf(got)).toEqual(fieldsOf({ ...r.v, keyId: 'new', wrappedKey: rewrapped.get(r.id)! }))
        }
        expect(fieldsOf((await s.get(current.id))!)).toEqual(fieldsOf(current.v))
        expect(await s.rewrapKeys('new', async () => { throw new Error('nothing left to rewrap') })).toBe(0)
      } finally {
        await s.close()
        await own.cleanup()
      }
    })

    it('a rewrap callback returning something malformed is refused (ARGUMENT_INVALID) and stores nothing', async () => {
      const own = await factory.create()
      const s = own.make()
      await s.open()
      try {
        const id = newId()
        const v = makeVersion('old')
        await s.insert(id, v, 1000)
        for (const bad of [{ keyId: 'new' }, { keyId: '', wrappedKey: new Uint8Array(4) }, null]) {
          expect(isPixstoreError(await rejection(s.rewrapKeys('new', async () => bad as never)), 'ARGUMENT_INVALID')).toBe(true)
        }
        expect(isPixstoreError(await rejection(s.rewrapKeys('', async () => ({ keyId: 'new', wrappedKey: new Uint8Array(4) }))), 'ARGUMENT_INVALID')).toBe(true)
        expect(fieldsOf((await s.get(id))!)).toEqual(fieldsOf(v))
      } finally {
        await s.close()
        await own.cleanup()
      }
    })

    it('an update between read and write wins over the stale rewrap', async () => {
      const own = await factory.create()
      const s = own.make()
      await s.open()
      try {
        const id = newId()
        await s.insert(id, makeVersion('old'), 1000)
        const newer = makeVersion('old')
        const count = await s.rewrapKeys('new', async (head) => {
          expect(await s.replace(id, newer, 2000)).toBe(2000)
          return { keyId: 'new', wrappedKey: new Uint8Array(head.wrappedKey.length) }
        })
        expect(count).toBe(0)
        const got = (await s.get(id))!
        expect(got.token).toBe(2000)
        expect(fieldsOf(got)).toEqual(fieldsOf(newer))
      } finally {
        await s.close()
        await own.cleanup()
      }
    })
  })

  describe('keyIds and countByKeyIds (checked at every init)', () => {
    it('list each distinct key id once, follow inserts, replaces and deletes, and count images under some', async () => {
      const own = await factory.create()
      const s = own.make()
      await s.open()
      try {
        expect(await s.keyIds()).toEqual([])
        expect(await s.countByKeyIds(['kb'])).toBe(0)
        const ids = ['a', 'b1', 'b2', 'c'].map((n) => newId(n))
        const keys = ['ka', 'kb', 'kb', 'kc']
        for (const [i, id] of ids.entries()) await s.insert(id, makeVersion(keys[i]), 1000 + i)
        expect((await s.keyIds()).sort()).toEqual(['ka', 'kb', 'kc'])
        expect(await s.countByKeyIds(['kb', 'kc'])).toBe(3)
        expect(await s.countByKeyIds(['kb', 'nope'])).toBe(2)
        expect(await s.countByKeyIds([])).toBe(0)
        // The only image under ka moves to kd; the one under kc goes.
        await s.replace(ids[0]!, makeVersion('kd'), 2000)
        await s.delete(ids[3]!)
        expect((await s.keyIds()).sort()).toEqual(['kb', 'kd'])
        // A rewrap moves rows too.
        await s.rewrapKeys('kd', async (head) => ({ keyId: 'kd', wrappedKey: head.wrappedKey }))
        expect(await s.keyIds()).toEqual(['kd'])
        expect(await s.countByKeyIds(['kd'])).toBe(3)
      } finally {
        await s.close()
        await own.cleanup()
      }
    })
  })

  describe('bad input is refused and changes nothing', () => {
    it('empty or non-string ids', async () => {
      for (const id of ['', 'nul\0inside', 42, null, undefined] as unknown as string[]) {
        expect(isPixstoreError(await rejection(db.insert(id, makeVersion(), 1)), 'IMAGE_ID_INVALID')).toBe(true)
        expect(isPixstoreError(await rejection(db.replace(id, makeVersion(), 1)), 'IMAGE_ID_INVALID')).toBe(true)
      }
      expect(await db.exists('nul\0inside').catch(() => false)).toBe(false)
      // Reads may refuse the id too; either way nothing may be stored under it.
      expect(await db.get('').catch(() => null)).toBeNull()
    })

    it('a version with missing or mistyped fields', async () => {
      const id = newId()
      const good = makeVersion()
      const bad = [
        { ...good, ciphertext: undefined },
        { ...good, iv: 'not bytes' },
        { ...good, keyId: undefined },
        null,
      ] as unknown as ImageVersionInput[]
      // The same code from every adapter (one shared write check): the caller's argument is wrong.
      for (const v of bad) expect(isPixstoreError(await rejection(db.insert(id, v, 1)), 'ARGUMENT_INVALID')).toBe(true)
      expect(await db.exists(id)).toBe(false)
      await db.insert(id, good, 10)
      for (const v of bad) expect(isPixstoreError(await rejection(db.replace(id, v, 20)), 'ARGUMENT_INVALID')).toBe(true)
      const got = (await db.get(id))!
      expect(got.token).toBe(10)
      expect(fieldsOf(got)).toEqual(fieldsOf(good))
    })

    it('a now that is not a non-negative number', async () => {
      const id = newId()
      for (const now of [Number.NaN, -1, Number.POSITIVE_INFINITY, '5', MAX + 2] as unknown as number[]) {
        expect(isPixstoreError(await rejection(db.insert(id, makeVersion(), now)), 'ARGUMENT_INVALID')).toBe(true)
      }
      expect(await db.exists(id)).toBe(false)
    })
  })

  it('random operation sequences match an in-memory model (property)', async () => {
    type Op =
      | { kind: 'insert' | 'replace'; slot: number; now: number }
      | { kind: 'delete' | 'get'; slot: number }
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constantFrom('insert' as const, 'replace' as const), slot: fc.nat(3), now: fc.nat(2000) }),
      fc.record({ kind: fc.constantFrom('delete' as const, 'get' as const), slot: fc.nat(3) }),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const prefix = newId('prop')
        const model = new Map<string, { token: number; v: ImageVersionInput }>()
        for (const o of ops) {
          const id = `${prefix}-${o.slot}`
          const current = model.get(id)
          if (o.kind === 'insert') {
            const v = makeVersion(`k${o.now}`, 16)
            if (current) {
              expect(isPixstoreError(await rejection(db.insert(id, v, o.now)), 'STORAGE_ERROR')).toBe(true)
            } else {
              expect(await db.insert(id, v, o.now)).toBe(Math.max(1, o.now))
              model.set(id, { token: Math.max(1, o.now), v })
            }
          } else if (o.kind === 'replace') {
            const v = makeVersion(`k${o.now}`, 16)
            const expected = current ? Math.max(current.token + 1, o.now) : null
            expect(await db.replace(id, v, o.now)).toBe(expected)
            if (expected !== null) model.set(id, { token: expected, v })
          } else if (o.kind === 'delete') {
            expect(await db.delete(id)).toBe(current !== undefined)
            model.delete(id)
          } else {
            const got = await db.get(id)
            if (!current) expect(got).toBeNull()
            else {
              expect(got!.token).toBe(current.token)
              expect(hex(got!.ciphertext)).toBe(hex(current.v.ciphertext))
              expect(got!.keyId).toBe(current.v.keyId)
            }
          }
        }
      }),
      { numRuns: 30 },
    )
  })
})
