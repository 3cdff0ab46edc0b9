// examples/ as programs: compiled with tsc (examples/tsconfig.json, `pixstore/...` resolved to this
// package's dist/ as an app resolves it), each server then started on port 0 in a child process and
// spoken to with real requests: the signed-out 401, the role's 403, the proof scope, and images
// decrypted by the frontend's own code path (Node here, Chromium for the React page).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeWirePayload } from '../../src/codec/index.js'
import { initPixstoreFrontend, getImage } from '../../src/frontend/index.js'
import { WireState, type ImageRecord } from '../../src/types/index.js'
import { launchChromium, type LaunchedChromium } from '../browser/launch-chromium.js'

const root = path.resolve(import.meta.dirname, '../..')
let work: string
let out: string
const children: ChildProcess[] = []
// Started together once compiled (each server takes a second or two to boot, sharp and SQLite
// included), and the browser with them; each describe awaits its own.
const started: Record<string, Promise<string>> = {}
let browserStarted: Promise<LaunchedChromium> | undefined
const settledLater = <T>(promise: Promise<T>) => (promise.catch(() => {}), promise)

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'pixstore-examples-'))
  // An app's node_modules: the project's dependencies plus the package itself.
  mkdirSync(path.join(work, 'node_modules'))
  for (const name of readdirSync(path.join(root, 'node_modules'))) symlinkSync(path.join(root, 'node_modules', name), path.join(work, 'node_modules', name))
  symlinkSync(root, path.join(work, 'node_modules/pixstore'))
  writeFileSync(path.join(work, 'package.json'), JSON.stringify({ name: 'examples-app', private: true, type: 'module' }))
  out = path.join(work, 'out')
  const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'examples'), '--outDir', out], { encoding: 'utf8' })
  expect(`${tsc.stdout}${tsc.stderr}`).toBe('')
  expect(tsc.status).toBe(0)
  for (const name of ['express-jwt', 'hono', 'react']) started[name] = settledLater(startExample(name))
  browserStarted = settledLater(launchChromium())
})

afterAll(async () => {
  await (await browserStarted?.catch(() => undefined))?.close()
  for (const child of children) child.kill()
  if (work) rmSync(work, { recursive: true, force: true })
})

/** Starts examples/<name>/server.ts (compiled) on port 0; resolves with its origin once it listens. */
function startExample(name: string): Promise<string> {
  const child = spawn(process.execPath, [path.join(out, name, 'server.js')], {
    cwd: work,
    env: { ...process.env, PORT: '0', DATA_DIR: path.join(work, `data-${name}`), PIXSTORE_CODEC: 'ts' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let output = ''
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
      if (url) resolve(url)
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.on('exit', (code) => reject(new Error(`${name} exited (${code}) before listening:\n${output}`)))
  })
}

const isPng = (bytes: Uint8Array) => Buffer.from(bytes.subarray(0, 8)).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))

describe('examples/express-jwt', () => {
  let origin: string
  beforeAll(async () => {
    origin = await started['express-jwt']!
  })

  it('signed out: 401 for the record and for the image route, no image bytes', async () => {
    expect((await fetch(`${origin}/api/players/bob/photo`)).status).toBe(401)
    const image = await fetch(`${origin}/player-image/bob/players:x`, { headers: { authorization: 'Bearer not-a-jwt' } })
    expect(image.status).toBe(401)
    expect((await image.arrayBuffer()).byteLength).toBe(0)
    expect((await fetch(`${origin}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"bob","password":"no"}' })).status).toBe(401)
  })

  it('the frontend (custom fetcher, JWT, context) decrypts the signed-in player\'s photo', async () => {
    const frontend = (await import(pathToFileURL(path.join(out, 'express-jwt/frontend.js')).href)) as typeof import('../../examples/express-jwt/frontend.js')
    frontend.setUpImages(origin)
    expect(await frontend.signIn('bob', 'player-pass')).toBe(true)
    const blob = await frontend.playerPhoto('bob')
    expect(blob?.type).toBe('image/png')
    const bytes = new Uint8Array(await blob!.arrayBuffer())
    expect(isPng(bytes)).toBe(true)
    expect(await sharp(bytes).metadata()).toMatchObject({ width: 64, height: 48 })
    // a player asking for another player's photo: 403, before any proof is issued
    await expect(frontend.playerPhoto('carol')).rejects.toThrow(/403/)
  })

  it('a record handed to one user is useless to another: the proof scope refuses it', async () => {
    const login = async (username: string, password: string) =>
      ((await (await fetch(`${origin}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })).json()) as { jwt: string }).jwt
    const bob = await login('bob', 'player-pass')
    const alice = await login('alice', 'coach-pass')
    const record = (await (await fetch(`${origin}/api/players/bob/photo`, { headers: { authorization: `Bearer ${bob}` } })).json()) as ImageRecord
    const ask = (jwt: string) =>
      fetch(`${origin}/player-image/bob/${encodeURIComponent(record.id)}`, {
        headers: { authorization: `Bearer ${jwt}`, 'x-pixstore-proof': record.statelessProof, 'x-pixstore-token': String(record.token) },
      }).then(async (res) => decodeWirePayload(new Uint8Array(await res.arrayBuffer())).state)
    expect(await ask(bob)).toBe(WireState.Success)
    // alice (a coach) may see bob's photo, but not with the proof issued to bob
    expect(await ask(alice)).toBe(WireState.InvalidProof)
  })
})

describe('examples/hono', () => {
  let origin: string
  beforeAll(async () => {
    origin = await started.hono!
  })

  it('signed out: 401 on the API, the image route and the batch route', async () => {
    expect((await fetch(`${origin}/api/avatar`)).status).toBe(401)
    expect((await fetch(`${origin}/pixstore-image/avatars:x`)).status).toBe(401)
    expect((await fetch(`${origin}/pixstore-image`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401)
  })

  it('signed in: the default HTTP fetcher gets the avatar through the fetch adapter and decrypts it', async () => {
    const cookie = 'session=session-alice'
    const record = (await (await fetch(`${origin}/api/avatar`, { headers: { cookie } })).json()) as ImageRecord
    // The browser sends the session cookie with every same-origin request; Node's fetch does not.
    const realFetch = globalThis.fetch
    globalThis.fetch = (input, init) => realFetch(input, { ...init, headers: { ...Object.fromEntries(new Headers(init?.headers)), cookie } })
    try {
      initPixstoreFrontend({ endpointBaseUrl: `${origin}/pixstore-image`, errorHandlingMode: 'throw' })
      const blob = await getImage(record)
      const bytes = new Uint8Array(await blob!.arrayBuffer())
      expect(isPng(bytes)).toBe(true)
      expect(await sharp(bytes).metadata()).toMatchObject({ width: 40, height: 30 })
    } finally {
      globalThis.fetch = realFetch
    }
    // the proof is scoped to alice's session: without the cookie's user the adapter is never reached
    // (401 above); with a record of no scope it is refused
    const unscoped = await fetch(`${origin}/pixstore-image/${encodeURIComponent(record.id)}`, {
      headers: { cookie, 'x-pixstore-proof': `${record.statelessProof.slice(0, -2)}AA`, 'x-pixstore-token': String(record.token) },
    })
    expect(decodeWirePayload(new Uint8Array(await unscoped.arrayBuffer())).state).toBe(WireState.InvalidProof)
  })
})

describe('examples/react', () => {
  it('the page shows every photo through <PixstoreImage> and a download link from usePixstoreImage', async () => {
    const origin = await started.react!
    const browser = await browserStarted!
    {
      await browser.page.goto(`${origin}/`)
      await browser.page.waitForFunction(
        () => {
          const imgs = [...document.querySelectorAll('img')]
          return imgs.length === 2 && imgs.every((img) => img.dataset.pixstoreStatus === 'ready' && img.complete && img.naturalWidth > 0)
        },
        undefined,
        { timeout: 20_000 },
      )
      const shown = await browser.page.evaluate(() => ({
        sizes: [...document.querySelectorAll('img')].map((img) => [img.naturalWidth, img.naturalHeight]),
        links: [...document.querySelectorAll('a[download]')].map((a) => (a as HTMLAnchorElement).href.slice(0, 5)),
      }))
      expect(shown.sizes).toEqual([[64, 48], [48, 64]])
      expect(shown.links).toEqual(['blob:', 'blob:'])
      expect(browser.logs.filter((l) => l.startsWith('pageerror') || l.includes('[pixstore]'))).toEqual([])
    }
  })
})
