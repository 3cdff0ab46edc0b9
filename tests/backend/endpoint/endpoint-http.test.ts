// HTTP behaviour of the built-in endpoint and a fuzz run: the server must answer, never exit, never
// leak a stack, path or secret.
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { getImageRecord, saveImage } from '../../../src/backend/index.js'
import { readyState } from '../../../src/backend/backend-state.js'
import { WireState } from '../../../src/types/index.js'
import { makeTempDir, removeDir, startBackend, stopBackend, TEST_SECRET } from '../../helpers/backend-fixture.js'
import { generateImage } from '../../helpers/sample-images.js'

let dir: string
let url: string
let base: URL
let id: string

beforeAll(async () => {
  dir = await makeTempDir('endpoint')
  url = await startBackend(dir, { accessControlAllowOrigin: 'https://app.example' })
  base = new URL(url)
  id = (await saveImage(generateImage('png', { width: 4, height: 4 })))!.id
})
afterAll(async () => {
  await stopBackend()
  await removeDir(dir)
})

/** Sends raw bytes and returns the raw response text (or '' if the server closed). */
function raw(request: string | Buffer, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(base.port), base.hostname)
    let out = ''
    socket.on('data', (d) => (out += d.toString('latin1')))
    socket.on('error', () => resolve(out))
    socket.on('close', () => resolve(out))
    socket.setTimeout(timeoutMs, () => socket.destroy())
    socket.write(request)
  })
}

function assertNoLeak(text: string): void {
  expect(text).not.toMatch(/at .+\.(ts|js):\d+|node:internal|\/work\/|\/tmp\/|Error:/)
  expect(text).not.toContain(TEST_SECRET)
  expect(text).not.toContain(dir)
}

describe('built-in endpoint HTTP behaviour', () => {
  it('listens on loopback by default config (127.0.0.1)', () => {
    expect(base.hostname).toBe('127.0.0.1')
    expect(base.pathname).toBe('/pixstore-image')
  })

  it('404 off the route, 405 for other methods, CORS preflight with the configured origin', async () => {
    expect((await fetch(`http://${base.host}/elsewhere`)).status).toBe(404)
    expect((await fetch(`http://${base.host}/pixstore-imagex/${id}`)).status).toBe(404)
    const post = await fetch(`${url}/${id}`, { method: 'POST', body: 'x' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, OPTIONS')
    const pre = await fetch(`${url}/${id}`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-headers': 'x-pixstore-proof' } })
    expect(pre.status).toBe(204)
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example')
    expect(pre.headers.get('access-control-allow-headers')).toContain('x-pixstore-proof')
    const get = await fetch(`${url}/${id}`)
    expect(get.headers.get('access-control-allow-origin')).toBe('https://app.example')
    expect(get.headers.get('cache-control')).toBe('no-store')
  })

  it('answers 200 with a state byte for every request on the route', async () => {
    const cases: [string, Record<string, string>, number][] = [
      [`${url}`, {}, WireState.MissingID],
      [`${url}/`, {}, WireState.MissingID],
      [`${url}/${id}`, {}, WireState.MissingProof],
      [`${url}/%E0%A4%A`, { 'x-pixstore-proof': 'x' }, WireState.InvalidProof],
      [`${url}/..%2F..%2Fetc%2Fpasswd`, { 'x-pixstore-proof': 'x' }, WireState.InvalidProof],
      [`${url}/${id}`, { 'x-pixstore-proof': 'v1.AAAAAAAA.1.' + 'A'.repeat(43) }, WireState.InvalidProof],
    ]
    for (const [u, h, state] of cases) {
      const res = await fetch(u, { headers: h })
      expect(res.status, u).toBe(200)
      const body = new Uint8Array(await res.arrayBuffer())
      expect(body, u).toEqual(Uint8Array.of(state))
      expect(res.headers.get('content-length')).toBe('1')
    }
    // Non-numeric token: treated as "no token", so the full Updated frame comes back.
    const r = (await getImageRecord(id))!
    const res = await fetch(`${url}/${id}`, { headers: { 'x-pixstore-proof': r.statelessProof, 'x-pixstore-token': 'abc' } })
    expect(new Uint8Array(await res.arrayBuffer())[0]).toBe(WireState.Updated)
  })

  it('huge and repeated headers, garbage request lines, aborted connections: 4xx or state, server keeps serving', async () => {
    const huge = await raw(`GET /pixstore-image/${id} HTTP/1.1\r\nHost: x\r\nx-pixstore-proof: ${'a'.repeat(40_000)}\r\n\r\n`)
    expect(huge).toMatch(/^HTTP\/1\.1 431|^HTTP\/1\.1 400|^$/)
    const repeated = await raw(
      `GET /pixstore-image/${id} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n` + 'x-pixstore-proof: a\r\n'.repeat(200) + '\r\n',
    )
    expect(repeated).toMatch(/^HTTP\/1\.1 200/)
    assertNoLeak(repeated)
    const garbage = await raw('\u0000\u0001GARBAGE /// HTTP/9\r\n\r\n')
    expect(garbage).toMatch(/^HTTP\/1\.1 400|^$/)
    // Aborted mid-request and mid-response.
    for (let i = 0; i < 20; i++) {
      const s = net.connect(Number(base.port), base.hostname)
      s.on('error', () => {})
      s.write(i % 2 ? `GET /pixstore-image/${id} HTTP/1.1\r\nHost: x\r\n` : `GET /pixstore-image/${id} HTTP/1.1\r\nHost: x\r\n\r\n`)
      s.destroy()
    }
    expect((await fetch(`${url}/${id}`)).status).toBe(200)
  })

  it('a storage failure mid-request answers InternalError, then service resumes', async () => {
    const r = (await getImageRecord(id))!
    const state = await readyState()
    await state.storage.close()
    try {
      const res = await fetch(`${url}/${id}`, { headers: { 'x-pixstore-proof': r.statelessProof } })
      expect(res.status).toBe(200)
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(Uint8Array.of(WireState.InternalError))
    } finally {
      await state.storage.open()
    }
    const res = await fetch(`${url}/${id}`, { headers: { 'x-pixstore-proof': r.statelessProof, 'x-pixstore-token': String(r.token) } })
    expect(new Uint8Array(await res.arrayBuffer())[0]).toBe(WireState.Success)
  })

  it('fuzz: 3,000 random paths, encodings, methods and headers; the server never exits or leaks', async () => {
    const r = (await getImageRecord(id))!
    const pathChars = fc.constantFrom(...'abcAZ09-_:./\\%?#&=+ ~!$\'()*,;@[]{}|^`"<>'.split(''), '%00', '%2F', '%2e%2e', '%FF', '%E0%A4', '%', '..', '\u00e9')
    const pathArb = fc.oneof(
      fc.array(pathChars, { maxLength: 40 }).map((a) => '/pixstore-image/' + a.join('')),
      fc.array(pathChars, { maxLength: 40 }).map((a) => '/' + a.join('')),
      fc.constant(`/pixstore-image/${id}`),
    )
    const headerValue = fc.oneof(
      fc.string({ maxLength: 200 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
      fc.constant(r.statelessProof),
      fc.constant(r.statelessProof.slice(0, -2) + 'zz'),
      fc.nat().map(String),
      fc.constant('-1'),
      fc.constant('99999999999999999999'),
    )
    const requestArb = fc.record({
      method: fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
      path: pathArb,
      proof: fc.option(headerValue),
      token: fc.option(headerValue),
    })
    const requests = fc.sample(requestArb, { numRuns: 3000, seed: 42 })
    let served = 0
    // 30 in flight at a time to keep it quick on two cores.
    for (let i = 0; i < requests.length; i += 30) {
      await Promise.all(
        requests.slice(i, i + 30).map(async (q) => {
          const path = q.path.replace(/[\s#]/g, (c) => encodeURIComponent(c))
          const lines = [`${q.method} ${path} HTTP/1.1`, `Host: ${base.host}`, 'Connection: close']
          if (q.proof !== null) lines.push(`x-pixstore-proof: ${q.proof}`)
          if (q.token !== null) lines.push(`x-pixstore-token: ${q.token}`)
          const text = await raw(lines.join('\r\n') + '\r\n\r\n')
          const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1])
          expect([200, 204, 400, 404, 405, 413, 415], text.slice(0, 80)).toContain(status)
          if (status === 200 && q.method === 'GET') {
            const body = Buffer.from(text.slice(text.indexOf('\r\n\r\n') + 4), 'latin1')
            expect(body[0]).toBeLessThanOrEqual(WireState.InternalError)
            if (body.length === 1) expect(body[0]).not.toBe(WireState.InternalError)
          }
          assertNoLeak(text)
          served++
        }),
      )
    }
    expect(served).toBe(3000)
    const after = await fetch(`${url}/${id}`, { headers: { 'x-pixstore-proof': r.statelessProof, 'x-pixstore-token': String(r.token) } })
    expect(new Uint8Array(await after.arrayBuffer())[0]).toBe(WireState.Success)
  }, 60_000)
})
