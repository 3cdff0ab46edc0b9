// Item 4: a record id the backend would never issue is refused before any request, and no URL the
// default fetcher builds leaves endpointBaseUrl.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshFrontend } from './helpers/frontend-env.js'
import { createHttpFetcher, getImage } from '../../src/frontend/index.js'
import type { ImageRecord } from '../../src/types/index.js'

const seen: string[] = []
let server: http.Server
let origin: string
beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.url ?? '')
    res.writeHead(200, { 'content-length': 1 }).end(Uint8Array.of(2)) // NotFound
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((r) => server.close(r))
})

const meta = { key: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', iv: 'AAAAAAAAAAAAAAAA', tag: 'AAAAAAAAAAAAAAAAAAAAAA==' }
const recordOf = (id: string): ImageRecord => ({ id, token: 1, meta, statelessProof: 'secret-proof' })

const BAD_IDS = ['', '.', '..', '../admin', 'a/b', 'a%2Fb', 'a\\b', 'a:b:c', ':a', 'a b', 'x'.repeat(65), 'é']

describe('record ids', () => {
  it.each(BAD_IDS)('getImage refuses %j with RECORD_INVALID and sends nothing', async (id) => {
    let calls = 0
    freshFrontend({ useIndexedDB: false }, async () => {
      calls++
      return Uint8Array.of(2)
    })
    await expect(getImage(recordOf(id))).rejects.toMatchObject({ code: 'RECORD_INVALID' })
    expect(calls).toBe(0)
  })

  it('an id the backend issues (dir:name) goes to the endpoint route', async () => {
    seen.length = 0
    freshFrontend({ endpointBaseUrl: `${origin}/app/pixstore-image`, useIndexedDB: false })
    await expect(getImage(recordOf('avatars:Ab_-9'))).rejects.toMatchObject({ code: 'STATE_NOT_FOUND' })
    expect(seen).toEqual(['/app/pixstore-image/avatars%3AAb_-9'])
  })

  it('the default fetcher itself never leaves endpointBaseUrl (used directly, without getImage)', async () => {
    seen.length = 0
    const fetcher = createHttpFetcher({ endpointBaseUrl: `${origin}/app/pixstore-image` })
    for (const id of ['..', '.', '']) await expect(fetcher(recordOf(id))).rejects.toMatchObject({ code: 'RECORD_INVALID' })
    expect(seen).toEqual([])
  })
})
