// PostgreSQL storage for scale-out: any number of stateless backend instances share one database.
// Atomicity and ordering come from PostgreSQL itself: a write is one transaction whose first statement,
// `UPDATE … SET token = GREATEST(token + 1, $now)`, takes the image row's lock, and under READ
// COMMITTED a waiting update re-reads the row its predecessor committed, so tokens from all instances
// strictly increase and no update is lost — without any lock or clock held in process memory. The
// variant rows are written by the statements after it, in the same transaction: each takes a fresh
// snapshot after the lock was granted, so it sees (and replaces) what the predecessor committed.
// Reads are one statement each (the variant heads aggregated into it), so they see one version.
import { createHash } from 'node:crypto'
import pg from 'pg'
import { PixstoreError } from '../../../shared/errors.js'
import type { StorageAdapter, StoredImageHead, StoredVariant } from '../contract.js'
import { checkKeyId, checkListPage, checkRewrap, checkWrite } from '../check-write.js'
import { infoFromColumn, infoToColumn } from '../image-info-column.js'
import { distinctKeyIdsSql } from '../key-ids.js'
import { checkVariants, variantsFromColumn, type VariantRow } from '../variant-rows.js'
import { isConnectionFailure, sqlStateOf, toStorageError } from './postgres-errors.js'
import {
  addInfoColumnStatement, quoteSchema, SCHEMA_LOCK_KEY, schemaStatements, TABLE_NAME, VARIANTS_TABLE, variantsTableStatements,
} from './postgres-schema.js'

/** Options of {@link createPostgresAdapter}. */
export interface PostgresAdapterOptions {
  /** `postgres://user:password@host:port/database` (also `postgresql://`; query parameters as `pg` reads them). */
  url: string
  /** Schema holding the table; created on `open()` when missing. Default `'public'`. */
  schema?: string
  /** Connections per instance. Default 10. */
  poolSize?: number
  /** How long to wait for a connection (new or from a full pool) before `STORAGE_UNAVAILABLE`. Default 5000. */
  connectTimeoutMs?: number
  /** Server-side `statement_timeout` and client-side read timeout per query. Default 30000. */
  queryTimeoutMs?: number
  /** Idle connections are closed after this long. Default 10000. */
  idleTimeoutMs?: number
  /** `application_name` of the connections (shows in pg_stat_activity). Default `'pixstore'`. */
  applicationName?: string
  /** Passed to `pg` as is (e.g. `{ rejectUnauthorized: true, ca }`). Default: what the URL says. */
  ssl?: pg.PoolConfig['ssl']
}

/**
 * Creates the PostgreSQL {@link StorageAdapter}. Nothing connects until `open()`, which creates the
 * schema and table if needed (safe when several instances start at once).
 *
 * @example
 * ```ts
 * const storage = createPostgresAdapter({ url: process.env.PIXSTORE_DATABASE_URL!, poolSize: 20 })
 * await storage.open()
 * const token = await storage.insert('cat', version, Date.now())
 * ```
 */
export function createPostgresAdapter(options: PostgresAdapterOptions): StorageAdapter {
  const { url, secrets } = parseUrl(options?.url)
  const quotedSchema = quoteSchema(options.schema ?? 'public')
  const schemaName = options.schema ?? 'public'
  const poolSize = positiveInt(options.poolSize, 10, 'poolSize')
  const connectTimeoutMs = positiveInt(options.connectTimeoutMs, 5_000, 'connectTimeoutMs')
  const queryTimeoutMs = positiveInt(options.queryTimeoutMs, 30_000, 'queryTimeoutMs')
  const idleTimeoutMs = positiveInt(options.idleTimeoutMs, 10_000, 'idleTimeoutMs')
  const table = `${quotedSchema}.${TABLE_NAME}`
  const variantsTable = `${quotedSchema}.${VARIANTS_TABLE}`
  // The variant heads of row `i`'s version, in the same statement (hence the same snapshot).
  const headColumns = `i.id, i.token, i.key_id, i.wrapped_key, i.iv, i.tag, i.info,
    (SELECT json_agg(json_build_object('name', v.name, 'wrapped_key', encode(v.wrapped_key, 'hex'), 'iv', encode(v.iv, 'hex'),
      'tag', encode(v.tag, 'hex'), 'info', v.info, 'preset', v.preset) ORDER BY v.name)
     FROM ${variantsTable} v WHERE v.image_id = i.id AND v.token = i.token)::text AS variants`

  let pool: pg.Pool | undefined
  let opening: Promise<void> | undefined

  function activePool(): pg.Pool {
    // Same code as the SQLite adapter for "not open", so callers need no per-adapter handling.
    if (!pool || opening) throw new PixstoreError('STORAGE_UNAVAILABLE', 'PostgreSQL storage is not open; call open() first')
    return pool
  }

  // Named statements are parsed and planned once per connection instead of on every call; the name
  // hashes the SQL text, which differs per schema.
  const names = new Map<string, string>()
  const statement = (text: string, values: unknown[]) => {
    let name = names.get(text)
    if (!name) names.set(text, (name = `pixstore_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`))
    return { name, text, values }
  }

  async function run(operation: string, sql: string, params: unknown[]): Promise<pg.QueryResult> {
    const p = activePool()
    try {
      return await p.query(statement(sql, params))
    } catch (error) {
      throw toStorageError(error, operation, secrets)
    }
  }

  // Reads are idempotent, so retrying hides the connections a restarted server (or
  // pg_terminate_backend) killed while they sat idle in the pool. Every idle client may be dead before
  // its 'error' event removes it, so allow one attempt per pooled client plus a fresh one. Writes are
  // never retried: the statement may have committed before the connection dropped.
  // Results stay in text format: pg 8 reads binary-format data rows through a string, which mangles
  // bytea (tried: tokens and keys came back corrupted), so bytea arrives as hex and Buffer decodes it.
  async function read(operation: string, sql: string, params: unknown[]): Promise<pg.QueryResult> {
    const p = activePool()
    const query = statement(sql, params)
    for (let attempt = 0; ; attempt++) {
      try {
        return await p.query(query)
      } catch (error) {
        if (!isConnectionFailure(error) || attempt >= poolSize) throw toStorageError(error, operation, secrets)
      }
    }
  }

  // One write transaction on one pooled client. Never retried, as writes are not (see `read`).
  async function transaction<T>(operation: string, body: (q: (sql: string, params: unknown[]) => Promise<pg.QueryResult>) => Promise<T>): Promise<T> {
    const p = activePool()
    let client: pg.PoolClient
    try {
      client = await p.connect()
    } catch (error) {
      throw toStorageError(error, operation, secrets)
    }
    let failed: unknown
    try {
      await client.query('BEGIN')
      const result = await body((sql, params) => client.query(statement(sql, params)))
      await client.query('COMMIT')
      return result
    } catch (error) {
      failed = error
      await client.query('ROLLBACK').catch(() => {})
      if (error instanceof PixstoreError) throw error
      throw toStorageError(error, operation, secrets)
    } finally {
      client.release(failed instanceof Error && isConnectionFailure(failed) ? failed : undefined)
    }
  }

  // All variants of one version in one statement (arrays unnested server-side).
  function insertVariants(q: (sql: string, params: unknown[]) => Promise<pg.QueryResult>, id: string, token: number, rows: VariantRow[]) {
    if (rows.length === 0) return Promise.resolve()
    return q(
      `INSERT INTO ${variantsTable} (image_id, name, token, wrapped_key, iv, tag, ciphertext, info, preset)
       SELECT $1, x.name, $2, x.wrapped_key, x.iv, x.tag, x.ciphertext, x.info, x.preset
       FROM unnest($3::text[], $4::bytea[], $5::bytea[], $6::bytea[], $7::bytea[], $8::text[], $9::text[])
         AS x(name, wrapped_key, iv, tag, ciphertext, info, preset)`,
      [
        id, token, rows.map((r) => r.name), rows.map((r) => toBuffer(r.wrappedKey)), rows.map((r) => toBuffer(r.iv)),
        rows.map((r) => toBuffer(r.tag)), rows.map((r) => toBuffer(r.ciphertext)), rows.map((r) => r.infoText), rows.map((r) => r.preset),
      ],
    )
  }

  async function createSchema(p: pg.Pool): Promise<void> {
    const client = await p.connect()
    let failed: unknown
    try {
      await client.query('BEGIN')
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK_KEY])
      // CREATE SCHEMA IF NOT EXISTS checks the CREATE privilege before existence, so a role
      // without it could not start against a schema an administrator made: look first.
      const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schemaName])
      for (const sql of schemaStatements(quotedSchema, found.rowCount === 0)) await client.query(sql)
      const info = await client.query(
        'SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = $3',
        [schemaName, TABLE_NAME, 'info'],
      )
      if (info.rowCount === 0) await client.query(addInfoColumnStatement(quotedSchema))
      const variants = await client.query(
        'SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2',
        [schemaName, VARIANTS_TABLE],
      )
      if (variants.rowCount === 0) for (const sql of variantsTableStatements(quotedSchema)) await client.query(sql)
      await client.query('COMMIT')
    } catch (error) {
      failed = error
      await client.query('ROLLBACK').catch(() => {})
      throw error
    } finally {
      client.release(failed instanceof Error && isConnectionFailure(failed) ? failed : undefined)
    }
  }

  return {
    kind: 'postgres',

    async open() {
      if (pool && !opening) return
      if (opening) return opening
      const p = new pg.Pool({
        connectionString: url,
        max: poolSize,
        connectionTimeoutMillis: connectTimeoutMs,
        idleTimeoutMillis: idleTimeoutMs,
        statement_timeout: queryTimeoutMs,
        query_timeout: queryTimeoutMs + 1_000,
        keepAlive: true,
        application_name: options.applicationName ?? 'pixstore',
        ...(options.ssl === undefined ? {} : { ssl: options.ssl }),
      })
      // An idle client whose server went away emits 'error' on the pool; unhandled, that event
      // would crash the process. The pool already discards that client and the next query opens a
      // fresh connection, so there is nothing else to do here.
      p.on('error', () => {})
      pool = p
      opening = createSchema(p).then(
        () => { opening = undefined },
        async (error: unknown) => {
          opening = undefined
          pool = undefined
          await p.end().catch(() => {})
          throw toStorageError(error, 'open', secrets)
        },
      )
      return opening
    },

    async close() {
      if (opening) await opening.catch(() => {})
      const p = pool
      pool = undefined
      if (p) await p.end().catch(() => {})
    },

    async insert(id, version, now) {
      const token = Math.max(1, checkWrite(id, version, now))
      const info = infoToColumn(version.info)
      const rows = checkVariants(version.variants)
      const params = [id, token, version.keyId, toBuffer(version.wrappedKey), toBuffer(version.iv), toBuffer(version.tag), toBuffer(version.ciphertext), info]
      const insertSql = `INSERT INTO ${table} (id, token, key_id, wrapped_key, iv, tag, ciphertext, info)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING RETURNING token`
      const missing = () => new PixstoreError('STORAGE_ERROR', 'an image with this id already exists; nothing was stored')
      if (rows.length === 0) {
        // Without variants a new image is one statement: no transaction round trips.
        const row = (await run('insert', insertSql, params)).rows[0] as { token: string } | undefined
        if (!row) throw missing()
        return toToken(row.token)
      }
      return transaction('insert', async (q) => {
        const row = (await q(insertSql, params)).rows[0] as { token: string } | undefined
        if (!row) throw missing()
        // Stray rows of a hand-deleted image row would block the primary key.
        await q(`DELETE FROM ${variantsTable} WHERE image_id = $1`, [id])
        await insertVariants(q, id, token, rows)
        return toToken(row.token)
      })
    },

    async replace(id, version, now, ifToken) {
      const floor = checkWrite(id, version, now, ifToken)
      const info = infoToColumn(version.info)
      const rows = checkVariants(version.variants)
      try {
        return await transaction('replace', async (q) => {
          const result = await q(
            `UPDATE ${table} SET token = GREATEST(token + 1, $2::bigint), key_id = $3, wrapped_key = $4, iv = $5, tag = $6, ciphertext = $7, info = $8
             WHERE id = $1 AND ($9::bigint IS NULL OR token = $9::bigint) RETURNING token`,
            [id, floor, version.keyId, toBuffer(version.wrappedKey), toBuffer(version.iv), toBuffer(version.tag), toBuffer(version.ciphertext), info, ifToken ?? null],
          )
          const row = result.rows[0] as { token: string } | undefined
          if (!row) return null
          const token = toToken(row.token)
          await q(`DELETE FROM ${variantsTable} WHERE image_id = $1`, [id])
          await insertVariants(q, id, token, rows)
          return token
        })
      } catch (error) {
        // The table's CHECK refuses a token above 2^53−1; the transaction then changed nothing.
        // check_violation, by SQLSTATE: message text changes with the server's language and version.
        if (sqlStateOf(error) === '23514') {
          throw new PixstoreError('STORAGE_ERROR', 'the next token would exceed 2^53−1; nothing was stored', { cause: error })
        }
        throw error
      }
    },

    async get(id) {
      checkId(id)
      const result = await read('get', `SELECT ${headColumns}, i.ciphertext FROM ${table} i WHERE i.id = $1`, [id])
      const row = result.rows[0] as Row | undefined
      return row ? { ...toHead(row), ciphertext: ownBytes(row.ciphertext) } : null
    },

    async getHead(id) {
      checkId(id)
      const result = await read('getHead', `SELECT ${headColumns} FROM ${table} i WHERE i.id = $1`, [id])
      const row = result.rows[0] as Row | undefined
      return row ? toHead(row) : null
    },

    async getVariant(id, name) {
      checkId(id)
      if (typeof name !== 'string') return null
      // The join on the token: only a variant of the version the image row holds now.
      const result = await read(
        'getVariant',
        `SELECT i.id, i.token, v.name, i.key_id, v.wrapped_key, v.iv, v.tag, v.info, v.ciphertext
         FROM ${table} i JOIN ${variantsTable} v ON v.image_id = i.id AND v.token = i.token WHERE i.id = $1 AND v.name = $2`,
        [id, name],
      )
      const row = result.rows[0] as (Row & { name: string; info: string }) | undefined
      const info = row ? infoFromColumn(row.info).info : undefined
      if (!row || !info) return null
      const variant: StoredVariant = {
        id: row.id, token: toToken(row.token), name: row.name, keyId: row.key_id, wrappedKey: ownBytes(row.wrapped_key),
        iv: ownBytes(row.iv), tag: ownBytes(row.tag), info, ciphertext: ownBytes(row.ciphertext),
      }
      return variant
    },

    async listHeads(after, limit) {
      checkListPage(after, limit)
      // The primary key's order (the database's collation): each page is an index range scan.
      const result = await read('listHeads', `SELECT ${headColumns} FROM ${table} i WHERE i.id > $1 ORDER BY i.id LIMIT $2`, [after, limit])
      return (result.rows as Row[]).map(toHead)
    },

    async exists(id) {
      checkId(id)
      const result = await read('exists', `SELECT 1 FROM ${table} WHERE id = $1`, [id])
      return result.rowCount === 1
    },

    async delete(id) {
      checkId(id)
      // The image row first: it waits for (and then sees) a replace in flight, whose variant rows the
      // second statement's fresh snapshot then sees too.
      return transaction('delete', async (q) => {
        const result = await q(`DELETE FROM ${table} WHERE id = $1`, [id])
        await q(`DELETE FROM ${variantsTable} WHERE image_id = $1`, [id])
        return result.rowCount === 1
      })
    },

    async keyIds() {
      const result = await read('keyIds', distinctKeyIdsSql(table), [])
      return (result.rows as { key_id: string }[]).map((r) => r.key_id)
    },

    async countByKeyIds(keyIds) {
      const result = await read('countByKeyIds', `SELECT count(*) AS n FROM ${table} WHERE key_id = ANY($1::text[])`, [[...keyIds]])
      return Number((result.rows[0] as { n: string }).n)
    },

    async rewrapKeys(currentKeyId, rewrap) {
      checkKeyId(currentKeyId)
      let count = 0
      let after = ''
      // Keyset pages by id: the callback runs outside any transaction (it may be slow WebCrypto),
      // and a row an update changed meanwhile is skipped, not revisited forever.
      for (;;) {
        const page = await read(
          'rewrapKeys',
          `SELECT ${headColumns} FROM ${table} i WHERE i.key_id <> $1 AND i.id > $2 ORDER BY i.id LIMIT 200`,
          [currentKeyId, after],
        )
        for (const row of page.rows as Row[]) {
          const head = toHead(row)
          const next = checkRewrap(await rewrap(head), head)
          // All keys of the row in one transaction, under the image row's lock and its token check
          // (variants change only with their version, so the token covers them too).
          count += await transaction('rewrapKeys', async (q) => {
            const updated = await q(
              `UPDATE ${table} SET key_id = $3, wrapped_key = $4 WHERE id = $1 AND token = $2`,
              [head.id, head.token, next.keyId, toBuffer(next.wrappedKey)],
            )
            if (updated.rowCount !== 1) return 0
            for (const v of next.variants) {
              const moved = await q(
                `UPDATE ${variantsTable} SET wrapped_key = $4 WHERE image_id = $1 AND name = $2 AND token = $3`,
                [head.id, v.name, head.token, toBuffer(v.wrappedKey)],
              )
              if (moved.rowCount !== 1) throw new PixstoreError('STORAGE_ERROR', 'a variant of the rewrapped version is missing; nothing was rewrapped')
            }
            return 1
          })
          after = head.id
        }
        if (page.rows.length < 200) return count
      }
    },
  }
}

interface Row {
  id: string
  token: string
  key_id: string
  wrapped_key: Buffer
  iv: Buffer
  tag: Buffer
  ciphertext: Buffer
  info: string | null
  variants?: string | null
}

function toHead(row: Row): StoredImageHead {
  return {
    id: row.id, token: toToken(row.token), keyId: row.key_id, wrappedKey: ownBytes(row.wrapped_key), iv: ownBytes(row.iv), tag: ownBytes(row.tag),
    ...infoFromColumn(row.info), ...variantsFromColumn(row.variants),
  }
}

// BIGINT arrives as a decimal string; the CHECK keeps it ≤ 2^53−1, verified again here so a
// hand-edited row cannot become a silently rounded token.
function toToken(value: string): number {
  const token = Number(value)
  if (!Number.isSafeInteger(token) || token < 0) throw new PixstoreError('STORAGE_ERROR', 'stored token is outside 0..2^53−1')
  return token
}

// pg decodes small bytea values into slices of Node's shared allocation pool; handing out such a
// view would expose unrelated memory through `.buffer`, so those are copied.
function ownBytes(buffer: Buffer): Uint8Array {
  if (buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength) {
    return new Uint8Array(buffer.buffer, 0, buffer.byteLength)
  }
  return new Uint8Array(buffer)
}

// Buffers go to the server as binary parameters (no hex text round trip); a view, no copy.
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

function checkId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id === '' || id.includes('\0')) {
    throw new PixstoreError('IMAGE_ID_INVALID', 'image id must be a non-empty string without NUL')
  }
}

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value <= 0) throw new PixstoreError('CONFIG_INVALID', `storage.${name} must be a positive integer`)
  return value
}

function parseUrl(value: unknown): { url: string; secrets: string[] } {
  let parsed: URL | undefined
  if (typeof value === 'string') {
    try {
      parsed = new URL(value)
    } catch {
      parsed = undefined
    }
  }
  // The URL is not echoed: it may hold the password.
  if (!parsed || (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')) {
    throw new PixstoreError('CONFIG_INVALID', 'storage.url must be a postgres:// or postgresql:// URL')
  }
  const url = value as string
  let password = parsed.password
  try {
    password = decodeURIComponent(password)
  } catch {
    // keep the raw form; it is redacted either way
  }
  // libpq also takes the password as a query parameter (`?password=…`).
  const queryPassword = parsed.searchParams.get('password')
  return { url, secrets: [url, password, parsed.password, ...(queryPassword ? [queryPassword] : [])] }
}

