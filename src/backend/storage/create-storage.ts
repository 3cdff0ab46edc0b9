// Picks the storage adapter from config. PostgreSQL is loaded by dynamic import only, so SQLite users
// never load `pg`.
import { readConfig } from '../../shared/config-reader.js'
import { PixstoreError } from '../../shared/errors.js'
import type { StorageAdapter } from './contract.js'
import { createSqliteAdapter, type SqliteAdapterOptions } from './sqlite/sqlite-adapter.js'

/** Storage section of the backend config. */
export type StorageConfig =
  | ({ type: 'sqlite' } & SqliteAdapterOptions)
  | { type: 'postgres'; url: string; [option: string]: unknown }

// The keys each adapter takes (its options type, plus `type`); anything else is a typo.
const SQLITE_KEYS = ['type', 'dataDir', 'fileName', 'synchronous', 'busyTimeoutMs'] as const
const POSTGRES_KEYS = ['type', 'url', 'schema', 'poolSize', 'connectTimeoutMs', 'queryTimeoutMs', 'idleTimeoutMs', 'applicationName', 'ssl'] as const

/**
 * Reads the `storage` section of the backend config: own properties only, the keys of the adapter
 * its `type` names, nothing else (`CONFIG_INVALID` naming the key). The adapter checks the values.
 *
 * @example
 * ```ts
 * resolveStorageConfig({ type: 'postgres', url, poolSize: 20 }) // a prototype-less copy
 * resolveStorageConfig({ type: 'sqlite', poolSize: 20 })         // CONFIG_INVALID: unknown storage key "poolSize"
 * ```
 */
export function resolveStorageConfig(value: unknown): StorageConfig {
  const base = value !== null && typeof value === 'object' && Object.hasOwn(value, 'type') ? (value as { type: unknown }).type : undefined
  if (base === 'sqlite') return readConfig(value, SQLITE_KEYS, 'storage') as StorageConfig
  if (base === 'postgres') return readConfig(value, POSTGRES_KEYS, 'storage') as StorageConfig
  throw new PixstoreError('CONFIG_INVALID', "storage must be { type: 'sqlite' | 'postgres', ... }")
}

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
    // Prototype-less copies: an adapter reading an option the config left out (fileName, schema, ssl)
    // must find nothing, not a value planted on Object.prototype.
    return createSqliteAdapter(ownCopy(config, { dataDir: config.dataDir ?? defaultDataDir }))
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
      const code = (cause as { code?: unknown } | null)?.code
      throw new PixstoreError('STORAGE_UNAVAILABLE', `the PostgreSQL adapter could not be loaded${typeof code === 'string' ? ` (${code})` : ''}; is \`pg\` installed?`, { cause })
    }
    const options = ownCopy(config, {}) as { url: string; type?: unknown }
    delete options.type
    return mod.createPostgresAdapter(options)
  }
  throw new PixstoreError('CONFIG_INVALID', "storage.type must be 'sqlite' or 'postgres'")
}

function ownCopy<T extends object>(config: T, extra: Partial<T>): T {
  return Object.assign(Object.create(null) as T, config, extra)
}
