// Each test gets its own IndexedDB database (fake-indexeddb) and a fresh frontend instance.
import 'fake-indexeddb/auto'
// @ts-expect-error scripts/lib/sample-images.mjs is plain JS with JSDoc types, outside the TS program
import * as samples from '../../../scripts/lib/sample-images.mjs'
import { initPixstoreFrontend } from '../../../src/frontend/index.js'
import type { PixstoreFrontendConfig } from '../../../src/frontend/config.js'
import { setErrorHandlingMode } from '../../../src/shared/error-handling.js'
import type { ImageFetcher } from '../../../src/types/index.js'

let counter = 0

export function freshFrontend(config: PixstoreFrontendConfig = {}, fetcher?: ImageFetcher): string {
  const dbName = `pixstore-test-${process.pid}-${++counter}`
  setErrorHandlingMode('throw')
  initPixstoreFrontend({ frontendDbName: dbName, fetchRetryDelayMs: 5, ...config }, fetcher)
  return dbName
}

export function png(seed: number, width = 16, height = 12): Uint8Array {
  return (samples as { generateImage(f: string, o: object): Uint8Array }).generateImage('png', { width, height, seed })
}

export async function blobBytes(blob: Blob | null): Promise<Uint8Array> {
  if (!blob) throw new Error('expected a Blob')
  return new Uint8Array(await blob.arrayBuffer())
}
