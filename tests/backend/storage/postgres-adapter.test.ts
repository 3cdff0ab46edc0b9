// PostgreSQL-only behaviour: ordering across pools (stand-ins for instances), concurrent schema
// creation, unreachable / silent / misconfigured servers, dropped connections, and secrets in errors.
import { createServer, type Server, type Socket } from 'node:net'
import { inspect } from 'node:util'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createPostgresAdapter } from '../../../src/backend/storage/postgres/postgres-adapter.js'
import { isPixstoreError, type PixstoreError } from '../../../src/shared/errors.js'
import { postgresStore, uniqueSchema } from './adapter-factories.js'
import { fieldsOf, makeVersion } from './versions.js'
import { pixstoreRejection as rejection } from '../../helpers/rejection.js'

const url = inject('databaseUrl')
const SECRET = 'S3cret-Pa55_word'
const withPassword = (u: string, password: string) => {
  const parsed = new URL(u)
  parsed.password = password
  return parsed.toString()
}


/** Everything a log line could show of the error: message, stack, cause, own properties. */
const everything = (error: unknown) => inspect(error, { depth: 5, showHidden: true })

async function sql(text: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await client.query(text, params)
  } finally {
    await client.end()
  }
}

describe('PostgreSQL adapter', () => {
  it('four pools updating one id concurrently: tokens strictly increase, no update lost', async () => {
    const store = await postgresStore(url)
    const adapters = Array.from({ length: 4 }, () => store.make())
    try {
      await Promise.all(adapters.map((a) => a.open()))
      const id = 'shared-image'
      await adapters[0]!.insert(id, makeVersion(), 1000)
      const perPool = 25
      const results = await Promise.all(
        adapters.map(async (a, p) => {
          const mine: { token: number; v: ReturnType<typeof makeVersion> }[] = []
          // Each pool's own sequence is issued one after the other, as one instance would.
          for (let i = 0; i < perPool; i++) {
            const v = makeVersion(`p${p}-${i}`, 24)
            // Half of the writers pass a stale clock, half a clock far ahead of the tokens.
            const token = (await a.replace(id, v, p % 2 === 0 ? 0 : 1000 + i))!
            mine.push({ token, v })
          }
          return mine
        }),
      )
      for (const mine of results) {
        for (let i = 1; i < mine.length; i++) expect(mine[i]!.token).toBeGreaterThan(mine[i - 1]!.token)
      }
      const all = results.flat().map((r) => r.token).sort((a, b) => a - b)
      expect(new Set(all).size).toBe(4 * perPool)
      // max(previous + 1, now) with every now ≤ 1024 and 100 updates after 1000: exactly 1001..1100.
      expect(all).toEqual(Array.from({ length: 4 * perPool }, (_, i) => 1001 + i))
      const final = (await adapters[3]!.get(id))!
      expect(final.token).toBe(1100)
      const winner = results.flat().find((r) => r.token === 1100)!
      expect(fieldsOf(final)).toEqual(fieldsOf(winner.v))
    } finally {
      await Promise.all(adapters.map((a) => a.close()))
      await store.cleanup()
    }
  })

  it('six instances opening a fresh schema at once all succeed (advisory lock)', async () => {
    const store = await postgresStore(url)
    const adapters = Array.from({ length: 6 }, () => store.make())
    try {
      await Promise.all(adapters.map((a) => a.open()))
      await adapters[5]!.insert('x', makeVersion(), 1)
      expect(await adapters[0]!.exists('x')).toBe(true)
    } finally {
      await Promise.all(adapters.map((a) => a.close()))
      await store.cleanup()
    }
  })

  it('stores tokens as BIGINT and bytes as BYTEA in its own schema', async () => {
    const store = await postgresStore(url)
    const a = store.make()
    try {
      await a.open()
      const { rows } = await sql(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'pixstore_images' ORDER BY column_name`,
        [store.schema],
      )
      expect(Object.fromEntries(rows.map((r) => [r.column_name, r.data_type]))).toEqual({
        id: 'text', token: 'bigint', key_id: 'text', wrapped_key: 'bytea', iv: 'bytea', tag: 'bytea', ciphertext: 'bytea', info: 'text',
      })
    } finally {
      await a.close()
      await store.cleanup()
    }
  })

  it('refuses calls before open() and after close() with STORAGE_UNAVAILABLE', async () => {
    const store = await postgresStore(url)
    const a = store.make()
    try {
      expect((await rejection(a.get('x'))).code).toBe('STORAGE_UNAVAILABLE')
      await a.open()
      await a.close()
      expect((await rejection(a.insert('x', makeVersion(), 1))).code).toBe('STORAGE_UNAVAILABLE')
    } finally {
      await store.cleanup()
    }
  })

  describe('configuration', () => {
    it('a URL that is not postgres:// is CONFIG_INVALID and is not echoed', () => {
      for (const bad of [`mysql://u:${SECRET}@h/db`, `not a url ${SECRET}`, 42, undefined]) {
        let error: unknown
        try {
          createPostgresAdapter({ url: bad as string })
        } catch (e) {
          error = e
        }
        expect(isPixstoreError(error, 'CONFIG_INVALID')).toBe(true)
        expect(everything(error)).not.toContain(SECRET)
      }
    })

    it('schema names that are not plain identifiers are CONFIG_INVALID', () => {
      for (const schema of ['Public', 'a"; DROP TABLE x; --', '', '1abc', 'a'.repeat(64)]) {
        expect(() => createPostgresAdapter({ url, schema })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }))
      }
      for (const poolSize of [0, -1, 1.5]) {
        expect(() => createPostgresAdapter({ url, poolSize })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }))
      }
    })
  })

  describe('an unusable database fails fast with STORAGE_UNAVAILABLE and no secret', () => {
    let closedPort: number
    let silent: Server
    let silentPort: number
    const sockets = new Set<Socket>()

    beforeAll(async () => {
      // A port nothing listens on: bind, note it, release it.
      const probe = createServer()
      await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()))
      closedPort = (probe.address() as { port: number }).port
      await new Promise<void>((r) => probe.close(() => r()))
      // A server that accepts connections and never answers (a hung or firewalled database).
      silent = createServer((socket) => {
        sockets.add(socket)
        socket.on('close', () => sockets.delete(socket))
      })
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()))
      silentPort = (silent.address() as { port: number }).port
    })
    afterAll(async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((r) => silent.close(() => r()))
    })

    const urlOn = (port: number) => {
      const u = new URL(withPassword(url, SECRET))
      u.port = String(port)
      return u.toString()
    }

    it('connection refused', async () => {
      const a = createPostgresAdapter({ url: urlOn(closedPort), schema: uniqueSchema() })
      const started = performance.now()
      const error = await rejection(a.open())
      expect(performance.now() - started).toBeLessThan(3000)
      expect(error.code).toBe('STORAGE_UNAVAILABLE')
      expect(everything(error)).not.toContain(SECRET)
      // Nothing half-open is left behind: later calls say the same, quickly.
      expect((await rejection(a.get('x'))).code).toBe('STORAGE_UNAVAILABLE')
      await a.close()
    })

    it('a server that never answers: bounded by connectTimeoutMs, no hang', async () => {
      const a = createPostgresAdapter({ url: urlOn(silentPort), schema: uniqueSchema(), connectTimeoutMs: 500 })
      const started = performance.now()
      const error = await rejection(a.open())
      const elapsed = performance.now() - started
      expect(elapsed).toBeGreaterThanOrEqual(450)
      expect(elapsed).toBeLessThan(3000)
      expect(error.code).toBe('STORAGE_UNAVAILABLE')
      expect(everything(error)).not.toContain(SECRET)
      await a.close()
    })

    it('a wrong password', async () => {
      const a = createPostgresAdapter({ url: withPassword(url, SECRET), schema: uniqueSchema() })
      const error = await rejection(a.open())
      expect(error.code).toBe('STORAGE_UNAVAILABLE')
      expect(error.message).toContain('28P01')
      expect(everything(error)).not.toContain(SECRET)
      await a.close()
    })
  })

  it('connections killed by the server (pg_terminate_backend) are replaced; the next calls work', async () => {
    const applicationName = `pixstore-kill-${process.pid}`
    const store = await postgresStore(url, { applicationName })
    const a = store.make()
    try {
      await a.open()
      const v = makeVersion()
      await a.insert('survivor', v, 10)
      // Fill the pool with several live connections, then kill them all while idle.
      await Promise.all(Array.from({ length: 4 }, () => a.get('survivor')))
      const killed = await sql('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName])
      expect(killed.rowCount).toBeGreaterThan(0)
      // Reads right away: the first may pick a dead client; the adapter's single retry hides it.
      const got = await a.get('survivor')
      expect(fieldsOf(got!)).toEqual(fieldsOf(v))
      // Let every 'error' event on the dead idle clients fire: unhandled, one would fail this run.
      await new Promise((r) => setTimeout(r, 200))
      expect(await a.replace('survivor', makeVersion(), 0)).toBe(11)
      expect(await a.exists('survivor')).toBe(true)
    } finally {
      await a.close()
      await store.cleanup()
    }
  })
})
