// Scale-out end to end: three backend processes share PostgreSQL and one secret, nothing else.
// Any instance serves images any other saved, with proofs any of them issued; concurrent updates
// through all three keep tokens strictly increasing; SIGKILL of one mid-load loses nothing.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { deriveSecretKeys } from '../../src/crypto/secret-keys.js'
import { signProof } from '../../src/crypto/sign-proof.js'
import { WireState } from '../../src/types/index.js'
import { postgresStore, type TestStore } from '../backend/storage/adapter-factories.js'
import { bundleChild, removeChildren } from './bundle-child.js'
import { startInstance, type Instance } from './instance-harness.js'
import { samplePng as image } from './sample-png.js'
import { fetchFrame, openFrame } from './wire-client.js'

const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0

describe('three backend instances on one PostgreSQL', () => {
  let store: TestStore & { schema: string }
  let instances: Instance[] = []
  let script: string
  let env: NodeJS.ProcessEnv
  const dataRoot = mkdtempSync(path.join(tmpdir(), 'pixstore-scale-'))

  beforeAll(async () => {
    store = await postgresStore(inject('databaseUrl'))
    script = await bundleChild('backend-instance')
    env = {
      ...process.env,
      DATABASE_URL: inject('databaseUrl'),
      SCHEMA: store.schema,
      DATA_ROOT: dataRoot,
      PIXSTORE_TEST_SECRET: randomBytes(32).toString('base64url'),
    }
    instances = await Promise.all([0, 1, 2].map(() => startInstance(script, env)))
  })
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.kill()))
    await store?.cleanup()
    await removeChildren()
    rmSync(dataRoot, { recursive: true, force: true })
  })

  it('an image saved through one instance is served by every instance, with a proof from any of them', async () => {
    const [a, b, c] = instances as [Instance, Instance, Instance]
    const saved = await a.save(1)
    for (const issuer of [a, b, c]) {
      const record = await issuer.record(saved.id)
      expect(record.token).toBe(saved.token)
      for (const server of [a, b, c]) {
        const frame = await fetchFrame(server.url, saved.id, record.statelessProof, record.token)
        expect(frame.state).toBe(WireState.Success)
        const opened = await openFrame(frame, record)
        expect(same(opened.image, image(1))).toBe(true)
      }
    }
    // Proofs signed with any other secret are refused everywhere, whether they name an unknown key id
    // or borrow the deployment's key id (a forged MAC).
    const foreignKeys = await deriveSecretKeys(randomBytes(32))
    const exp = Date.now() + 60_000
    const foreign = await signProof(foreignKeys, { id: saved.id, exp })
    const realKeyId = saved.statelessProof.split('.')[1]!
    const forged = await signProof({ ...foreignKeys, keyId: realKeyId }, { id: saved.id, exp })
    for (const server of [a, b, c]) {
      expect((await fetchFrame(server.url, saved.id, foreign, saved.token)).state).toBe(WireState.InvalidProof)
      expect((await fetchFrame(server.url, saved.id, forged, saved.token)).state).toBe(WireState.InvalidProof)
    }
  })

  it('an update through one instance reaches clients of the others as Updated with the new key', async () => {
    const [a, b, c] = instances as [Instance, Instance, Instance]
    const old = await a.save(2)
    const updated = await b.update(old.id, 3)
    expect(updated.token).toBeGreaterThan(old.token)
    // A client still holding the old record asks instance C.
    const frame = await fetchFrame(c.url, old.id, old.statelessProof, old.token)
    expect(frame.state).toBe(WireState.Updated)
    const opened = await openFrame(frame, old)
    expect(opened.token).toBe(updated.token)
    expect(same(opened.image, image(3))).toBe(true)
  })

  it('concurrent updates of one image from all three keep tokens strictly increasing, none lost', async () => {
    const first = await instances[0]!.save(10)
    const perInstance = 12
    const results = await Promise.all(
      instances.map((inst, k) =>
        inst.call<{ seed: number; token: number }[]>({
          op: 'updateMany',
          id: first.id,
          seeds: Array.from({ length: perInstance }, (_, i) => 100 + k * 100 + i),
        }),
      ),
    )
    for (const writes of results) {
      for (let i = 1; i < writes.length; i++) expect(writes[i]!.token).toBeGreaterThan(writes[i - 1]!.token)
    }
    const all = results.flat()
    expect(new Set(all.map((w) => w.token)).size).toBe(3 * perInstance)
    for (const w of all) expect(w.token).toBeGreaterThan(first.token)
    const last = all.reduce((x, y) => (y.token > x.token ? y : x))
    // Whichever instance is asked, the current version is the last write, and it decrypts.
    for (const inst of instances) {
      const record = await inst.record(first.id)
      expect(record.token).toBe(last.token)
      const opened = await openFrame(await fetchFrame(inst.url, first.id, record.statelessProof, first.token), record)
      expect(opened.token).toBe(last.token)
      expect(same(opened.image, image(last.seed))).toBe(true)
    }
  })

  it('SIGKILL of one instance mid-load loses no acknowledged write and leaves every image readable', async () => {
    const [a, b] = instances as [Instance, Instance, Instance]
    const victim = await startInstance(script, env)
    const saved = await Promise.all([0, 1, 2, 3].map((i) => a.save(1000 + i)))
    const ids = saved.map((r) => r.id)
    // Readers on the surviving instances run through the whole episode.
    let stop = false
    let readFailures = 0
    let reads = 0
    const readers = [a, b].map(async (inst) => {
      while (!stop) {
        for (const id of ids) {
          const record = await inst.record(id)
          try {
            await openFrame(await fetchFrame(inst.url, id, record.statelessProof, 0), record)
            reads++
          } catch {
            readFailures++
          }
        }
      }
    })
    void victim.call({ op: 'churn', ids, firstSeed: 2000 }).catch(() => {})
    const deadline = Date.now() + 10_000
    while (victim.acks.length < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
    await victim.kill('SIGKILL')
    stop = true
    await Promise.all(readers)
    expect(victim.acks.length).toBeGreaterThanOrEqual(40)
    expect(readFailures).toBe(0)
    expect(reads).toBeGreaterThan(0)
    const lastAckedSeed = Math.max(...victim.acks.map((k) => k.seed))
    for (const [i, id] of ids.entries()) {
      const acked = victim.acks.filter((k) => k.id === id)
      const lastAck = acked.reduce((x, y) => (y.token > x.token ? y : x), { id, seed: 1000 + i, token: saved[i]!.token })
      const record = await b.record(id)
      // Never behind what was acknowledged.
      expect(record.token).toBeGreaterThanOrEqual(lastAck.token)
      const opened = await openFrame(await fetchFrame(a.url, id, record.statelessProof, 0), record)
      expect(opened.token).toBe(record.token)
      // Ahead only by writes whose acknowledgement the kill cut off: later churn seeds of this id.
      const possible = record.token === lastAck.token
        ? [lastAck.seed]
        : Array.from({ length: 40 }, (_, k) => lastAckedSeed + 1 + k).filter((s) => ids[s % ids.length] === id)
      expect(possible.some((s) => same(opened.image, image(s)))).toBe(true)
    }
  })
})
