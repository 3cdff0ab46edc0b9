// The adapters the shared contract suite runs against, each on fresh, isolated storage: a temporary
// directory for SQLite, a schema of its own for PostgreSQL (dropped afterwards), so test files can
// share one database server in parallel.
import { randomBytes as nodeRandomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import type { StorageAdapter } from '../../../src/backend/storage/contract.js'
import { createPostgresAdapter, type PostgresAdapterOptions } from '../../../src/backend/storage/postgres/postgres-adapter.js'
import { createSqliteAdapter } from '../../../src/backend/storage/sqlite/sqlite-adapter.js'

/** Isolated storage: `make()` returns a new (unopened) adapter on the SAME storage each call. */
export interface TestStore {
  make(): StorageAdapter
  cleanup(): Promise<void>
}

export interface AdapterFactory {
  name: string
  create(): Promise<TestStore>
}

export function uniqueSchema(prefix = 'pxt'): string {
  return `${prefix}_${process.pid}_${nodeRandomBytes(4).toString('hex')}`
}

/** A PostgreSQL store in a fresh schema of the database at `url`. */
export async function postgresStore(url: string, extra: Partial<PostgresAdapterOptions> = {}): Promise<TestStore & { schema: string }> {
  const schema = uniqueSchema()
  return {
    schema,
    make: () => createPostgresAdapter({ url, schema, poolSize: 4, ...extra }),
    async cleanup() {
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      } finally {
        await client.end()
      }
    },
  }
}

export async function sqliteStore(): Promise<TestStore> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pixstore-storage-'))
  return {
    make: () => createSqliteAdapter({ dataDir, synchronous: 'normal' }),
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  }
}

export function adapterFactories(databaseUrl: string): AdapterFactory[] {
  return [
    { name: 'sqlite', create: sqliteStore },
    { name: 'postgres', create: () => postgresStore(databaseUrl) },
  ]
}
