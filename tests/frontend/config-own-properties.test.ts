// Item 11: the frontend reads its config from own properties only and rejects unknown keys.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { blobBytes, png } from './helpers/frontend-env.js'
import { startImageServer, type ImageServer } from './helpers/image-server.js'
import { getImage, initPixstoreFrontend } from '../../src/frontend/index.js'
import { setErrorHandlingMode } from '../../src/shared/error-handling.js'

let server: ImageServer
let evil: http.Server
const stolen: string[] = []
let evilUrl: string
beforeAll(async () => {
  server = await startImageServer()
  evil = http.createServer((req, res) => {
    stolen.push(String(req.headers['x-pixstore-proof']))
    res.writeHead(200, { 'content-length': 1 }).end(Uint8Array.of(2))
  })
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r))
  evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/steal`
})
afterAll(async () => {
  await server.close()
  evil.closeAllConnections()
  await new Promise((r) => evil.close(r))
})

describe('frontend config', () => {
  it('a polluted Object.prototype sets nothing: proofs still go to the configured endpoint', async () => {
    setErrorHandlingMode('throw')
    const record = await server.save('own-props', png(71))
    const proto = Object.prototype as Record<string, unknown>
    try {
      proto.endpointBaseUrl = evilUrl
      proto.useIndexedDB = 'yes' // would be CONFIG_INVALID if read
      initPixstoreFrontend({ defaultEndpointConnectPort: server.port, frontendDbName: `own-props-${process.pid}` })
    } finally {
      delete proto.endpointBaseUrl
      delete proto.useIndexedDB
    }
    expect(await blobBytes(await getImage(record))).toEqual(png(71))
    expect(stolen).toEqual([])
  })

  it('an unknown key is CONFIG_INVALID, naming it', () => {
    expect(() => initPixstoreFrontend({ endpointBaseURL: '/x' } as never)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('endpointBaseURL') }))
  })

  it('new limits are validated', () => {
    expect(() => initPixstoreFrontend({ maxResponseBytes: 0 })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }))
    expect(() => initPixstoreFrontend({ fetchTimeoutMs: -1 })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }))
  })
})
