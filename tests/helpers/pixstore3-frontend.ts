// pixstore 3.2.1's published front end, pointed at one of our endpoints. Its build hard-codes test
// settings, so every value it reads is passed explicitly; it reads `window.crypto`, so Node gets a
// `window`. Needs an IndexedDB in the process (import 'fake-indexeddb/auto' first).

/** The parts of pixstore 3.2.1's front end the interop tests call. */
export interface Pixstore3Frontend {
  initPixstoreFrontend(config: Record<string, unknown>): void
  getImage(record: unknown): Promise<Blob | null>
  deleteCachedImage(id: string): Promise<void>
}

/**
 * Loads pixstore 3.2.1's front end and initialises it against `endpoint` (our built-in endpoint's
 * URL, route included), in its own IndexedDB database `dbName`, in `throw` error mode.
 *
 * @example
 * ```ts
 * const v3 = await startPixstore3Frontend(new URL(await startBackend(dir)), `interop-${Date.now()}`)
 * const blob = await v3.getImage(record)
 * ```
 */
export async function startPixstore3Frontend(endpoint: URL, dbName: string): Promise<Pixstore3Frontend> {
  ;(globalThis as { window?: unknown }).window ??= globalThis
  // @ts-ignore -- the aliased package ships JS without types for this path
  const v3 = (await import('pixstore-v3/frontend/index.js')) as Pixstore3Frontend
  v3.initPixstoreFrontend({
    defaultEndpointConnectHost: endpoint.hostname,
    defaultEndpointConnectPort: Number(endpoint.port),
    defaultEndpointRoute: endpoint.pathname,
    frontendDbName: dbName,
    errorHandlingMode: 'throw',
  })
  return v3
}
