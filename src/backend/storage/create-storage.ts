// Picks the storage adapter from config. PostgreSQL is loaded by dynamic import only, so SQLite users
// never load `pg`.
import { PixstoreError } from '../../shared/errors.js'
import type { StorageAdapter } from './contract.js'
import { createSqliteAdapter, type SqliteAdapterOptions } from './sqlite/sqlite-adapter.js'

/** Storage section of the backend config. */
export type StorageConfig =
  | ({ type: 'sqlite' } & SqliteAdapterOptions)
  | { type: 'postgres'; url: string; [option: string]: unknown }

/**
 * Creates (without opening) the adapter `config` names. With no config, `PIXSTORE_DATABASE_URL`
 * selects PostgreSQL, else SQLite in `defaultDataDir`.
 *
 * @example
 * ```ts
 * const storage = await createStorage({ type: 'postgres', url: process.env.DATABASE_URL! }, './.pixstore')
 * await storage.open()
 * ```
 */
export async function createStorage(
  config: StorageConfig | undefined,
  defaultDataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<StorageAdapter> {
  if (config === undefined) {
    const url = env.PIXSTORE_DATABASE_URL
    config = url ? { type: 'postgres', url } : { type: 'sqlite' }
  }
  if (config === null || typeof config !== 'object') {
    throw new PixstoreError('CONFIG_INVALID', "storage must be { type: 'sqlite' | 'postgres', ... }")
  }
  if (config.type === 'sqlite') {
    return createSqliteAdapter({ ...config, dataDir: config.dataDir ?? defaultDataDir })
  }
  if (config.type === 'postgres') {
    if (typeof config.url !== 'string' || config.url.length === 0) {
      throw new PixstoreError('CONFIG_INVALID', 'storage.url must be a PostgreSQL connection string')
    }
    let mod: { createPostgresAdapter: (options: { url: string; [k: string]: unknown }) => StorageAdapter }
    try {
      // A variable specifier keeps bundlers and tsc from pulling `pg` into SQLite-only builds.
      const specifier = './postgres/postgres-adapter.js'
      mod = await import(specifier)
    } catch (cause) {
      throw new PixstoreError('STORAGE_UNAVAILABLE', 'the PostgreSQL adapter could not be loaded (is `pg` installed?)', { cause })
    }
    const { type: _type, ...options } = config
    return mod.createPostgresAdapter(options as { url: string })
  }
  throw new PixstoreError('CONFIG_INVALID', "storage.type must be 'sqlite' or 'postgres'")
}
