// The one table the PostgreSQL adapter uses, and its creation. Several backend instances may start at
// the same moment: concurrent `CREATE TABLE IF NOT EXISTS` can still fail on the catalog's unique
// index, so creation runs under a transaction-scoped advisory lock that serialises the instances.
import { PixstoreError } from '../../../shared/errors.js'
import { VARIANTS_TABLE } from '../variant-rows.js'

export { VARIANTS_TABLE }

export const TABLE_NAME = 'pixstore_images'

// Unquoted-identifier rules, kept strict so the name can be interpolated into SQL safely.
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/

/**
 * Validates a schema name and returns it double-quoted for SQL.
 *
 * @example
 * ```ts
 * quoteSchema('tenant_7') // '"tenant_7"'
 * ```
 */
export function quoteSchema(schema: string): string {
  if (typeof schema !== 'string' || !IDENTIFIER.test(schema)) {
    throw new PixstoreError('CONFIG_INVALID', 'storage.schema must be a lower-case SQL identifier (a-z, 0-9, _; at most 63 characters)')
  }
  return `"${schema}"`
}

/**
 * Statements run (in order, inside one transaction holding the advisory lock) by `open()`.
 *
 * @example
 * ```ts
 * for (const sql of schemaStatements('"public"', false)) await client.query(sql)
 * ```
 */
export function schemaStatements(quotedSchema: string, createSchema: boolean): string[] {
  const table = `${quotedSchema}.${TABLE_NAME}`
  return [
    ...(createSchema ? [`CREATE SCHEMA IF NOT EXISTS ${quotedSchema}`] : []),
    // token: BIGINT, always ≤ 2^53−1 (checked by the CHECK and by the adapter) so it survives a JS number.
    `CREATE TABLE IF NOT EXISTS ${table} (
      id          TEXT   PRIMARY KEY,
      token       BIGINT NOT NULL CHECK (token >= 0 AND token <= 9007199254740991),
      key_id      TEXT   NOT NULL,
      wrapped_key BYTEA  NOT NULL,
      iv          BYTEA  NOT NULL,
      tag         BYTEA  NOT NULL,
      ciphertext  BYTEA  NOT NULL,
      info        TEXT
    )`,
    // rewrapKeys scans by key id after a rotation; without the index that is a full scan of blobs' table.
    `CREATE INDEX IF NOT EXISTS ${TABLE_NAME}_key_id_idx ON ${table} (key_id)`,
  ]
}

/**
 * Adds the `info` column (media facts, JSON text) to a table created before it existed. Run only when
 * the column is missing: ALTER TABLE needs the table's owner even when IF NOT EXISTS makes it a no-op,
 * and the application role may not own a table an administrator created.
 *
 * @example
 * ```ts
 * if (!(await hasInfoColumn())) await client.query(addInfoColumnStatement('"public"'))
 * ```
 */
export function addInfoColumnStatement(quotedSchema: string): string {
  return `ALTER TABLE ${quotedSchema}.${TABLE_NAME} ADD COLUMN IF NOT EXISTS info TEXT`
}

/**
 * Creates the variants table (one row per variant of an image's current version) and its lookup
 * index. Run only when the table is missing, for the same ownership reason as the info column: a
 * database created before variants gains it on the first open by an instance that knows them.
 *
 * @example
 * ```ts
 * if (!(await hasVariantsTable())) for (const sql of variantsTableStatements('"public"')) await client.query(sql)
 * ```
 */
export function variantsTableStatements(quotedSchema: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${quotedSchema}.${VARIANTS_TABLE} (
      image_id    TEXT   NOT NULL,
      name        TEXT   NOT NULL,
      token       BIGINT NOT NULL,
      wrapped_key BYTEA  NOT NULL,
      iv          BYTEA  NOT NULL,
      tag         BYTEA  NOT NULL,
      ciphertext  BYTEA  NOT NULL,
      info        TEXT   NOT NULL,
      preset      TEXT   NOT NULL,
      PRIMARY KEY (image_id, name)
    )`,
  ]
}

/** Arbitrary fixed advisory-lock key ("pixs" in ASCII) shared by every Pixstore instance. */
export const SCHEMA_LOCK_KEY = 0x70697873
