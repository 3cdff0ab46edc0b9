// Our own backend (src/backend) in this process: SQLite in a temp dir, built-in endpoint on a free
// port of 127.0.0.1, fronted by a counting proxy.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type http from 'node:http'
import { closePixstoreBackend, initPixstoreBackend, startDefaultEndpoint } from '../../../src/backend/index.js'
import { startCountingProxy, type CountingProxy } from './counting-proxy.js'

export interface RealBackend {
  /** Endpoint base URL through the proxy, e.g. http://127.0.0.1:1234/pixstore-image */
  endpointBaseUrl: string
  proxy: CountingProxy
  close(): Promise<void>
}

export async function startRealBackend(
  options: { proofTtlMs?: number; fallback?: (req: http.IncomingMessage, res: http.ServerResponse) => void } = {},
): Promise<RealBackend> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pixstore-frontend-'))
  await initPixstoreBackend({
    dataDir,
    secret: 'frontend-tests-secret-frontend-tests-secret',
    defaultEndpointListenPort: 0,
    errorHandlingMode: 'throw',
    ...(options.proofTtlMs ? { proofTtlMs: options.proofTtlMs } : {}),
  })
  const address = await startDefaultEndpoint()
  if (!address) throw new Error('backend endpoint did not start')
  const route = new URL(address.url).pathname
  const proxy = await startCountingProxy(`http://127.0.0.1:${address.port}`, route, options.fallback)
  return {
    endpointBaseUrl: `${proxy.origin}${route}`,
    proxy,
    async close() {
      await proxy.close()
      await closePixstoreBackend()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
