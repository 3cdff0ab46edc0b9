// The adapters the shared contract suite runs against, each on fresh, isolated storage: a temporary
// directory for SQLite, a schema of its own for PostgreSQL (dropped afterwards), so test files can
// share one database server in parallel.
import { randomBytes as nodeRandomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import type { StorageAdapter } from '../../../src/backend/storage/contract.js'
import Database from 'better-sqlite3'
import type { ImageVersionInput } from '../../../src/backend/storage/contract.js'
import { createPostgresAdapter, type PostgresAdapterOptions } from '../../../src/backend/storage/postgres/postgres-adapter.js'
import { createSqliteAdapter } from '../../../src/backend/storage/sqlite/sqlite-adapter.js'

/** Isolated storage: `make()` returns a new (unopened) adapter on the SAME storage each call. */
export interface TestStore {
  make(): StorageAdapter
  cleanup(): Promise<void>
  /**
   * Creates the table as it was before the `info` column (pixstore 3.2.1-era data) and writes one row
   * into it, on storage no adapter has opened yet.
   */
  seedPreInfoRow(id: string, version: ImageVersionInput, token: number): Promise<void>
}

// The tables as they were before media facts, column for column.
const PRE_INFO_SQLITE = `CREATE TABLE pixstore_images (
  id TEXT PRIMARY KEY, token INTEGER NOT NULL, key_id TEXT NOT NULL, wrapped_key BLOB NOT NULL, iv BLOB NOT NULL, tag BLOB NOT NULL, ciphertext BLOB NOT NULL)`
const preInfoPostgres = (schema: string) => `CREATE TABLE "${schema}".pixstore_images (
  id TEXT PRIMARY KEY, token BIGINT NOT NULL CHECK (token >= 0 AND token <= 9007199254740991), key_id TEXT NOT NULL,
  wrapped_key BYTEA NOT NULL, iv BYTEA NOT NULL, tag BYTEA NOT NULL, ciphertext BYTEA NOT NULL)`

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
    async seedPreInfoRow(id, v, token) {
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        await client.query(`CREATE SCHEMA "${schema}"`)
        await client.query(preInfoPostgres(schema))
        await client.query(
          `INSERT INTO "${schema}".pixstore_images (id, token, key_id, wrapped_key, iv, tag, ciphertext) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [id, token, v.keyId, Buffer.from(v.wrappedKey), Buffer.from(v.iv), Buffer.from(v.tag), Buffer.from(v.ciphertext)],
        )
      } finally {
        await client.end()
      }
    },
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
    async seedPreInfoRow(id, v, token) {
      const d = new Database(path.join(dataDir, 'pixstore.sqlite'))
      try {
        d.exec(PRE_INFO_SQLITE)
        d.prepare('INSERT INTO pixstore_images VALUES (?, ?, ?, ?, ?, ?, ?)').run(id, token, v.keyId, v.wrappedKey, v.iv, v.tag, v.ciphertext)
      } finally {
        d.close()
      }
    },
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  }
}

export function adapterFactories(databaseUrl: string): AdapterFactory[] {
  return [
    { name: 'sqlite', create: sqliteStore },
    { name: 'postgres', create: () => postgresStore(databaseUrl) },
  ]
}
