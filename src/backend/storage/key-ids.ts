// The distinct key ids of a store, read as a "loose index scan": a recursive query that jumps from
// one key id to the next larger one through the key-id index. Neither SQLite nor PostgreSQL (before
// 18) does that for `SELECT DISTINCT`, which reads every index entry; this reads one per distinct id,
// so checking them at every init stays cheap however many images the store holds.

/**
 * SQL (no parameters, same text for SQLite and PostgreSQL) returning one row per distinct `key_id` of
 * `table`, which must have an index on `key_id`.
 *
 * @example
 * ```ts
 * const ids = db.prepare(distinctKeyIdsSql('pixstore_images')).pluck().all()
 * ```
 */
export function distinctKeyIdsSql(table: string): string {
  const next = (after: string) => `(SELECT key_id FROM ${table} ${after} ORDER BY key_id LIMIT 1)`
  return `WITH RECURSIVE k(key_id) AS (
    SELECT ${next('')}
    UNION ALL
    SELECT ${next('WHERE key_id > k.key_id')} FROM k WHERE k.key_id IS NOT NULL
  ) SELECT key_id FROM k WHERE key_id IS NOT NULL`
}
