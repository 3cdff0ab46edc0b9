// Proofs survive restarts and work across processes that share the data dir and secret; the
// generated secret file is created once (0600) and reused.
import { spawn } from 'node:child_process'
import { stat, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closePixstoreBackend, customEndpointHelper, getImageRecord, initPixstoreBackend, saveImage } from '../../src/backend/index.js'
import { WireState } from '../../src/types/index.js'
import { bundleBackend } from '../helpers/backend-bundle.js'
import { browserDecrypt, makeTempDir, removeDir, TEST_SECRET } from '../helpers/backend-fixture.js'
import { generateImage } from '../helpers/sample-images.js'

let bundle: string
let dir: string

beforeAll(async () => {
  bundle = await bundleBackend()
  dir = await makeTempDir('procs')
})
afterAll(async () => {
  await closePixstoreBackend()
  await removeDir(dir)
  await rm(bundle, { force: true })
})

/** Runs `body` (an async function body with `b` = the backend module) in a fresh Node process. */
function inChild(body: string, env: Record<string, string> = {}): Promise<unknown> {
  const script = `import * as b from ${JSON.stringify(bundle)}; const out = await (async () => { ${body} })(); process.stdout.write(JSON.stringify(out ?? null)); await b.closePixstoreBackend()`
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`child exited ${code}: ${err}`))))
  })
}

const baseConfig = (d: string) => ({ dataDir: d, errorHandlingMode: 'throw', defaultEndpointEnabled: false })

describe('restart and several processes', () => {
  it('a proof issued before a restart verifies after it (generated secret file, mode 0600)', async () => {
    const d = join(dir, 'restart')
    await initPixstoreBackend({ ...baseConfig(d), errorHandlingMode: 'throw' } as never)
    const record = (await saveImage(generateImage('png', { width: 5, height: 5 })))!
    const secretFile = join(d, 'secret')
    expect((await stat(secretFile)).mode & 0o777).toBe(0o600)
    const secretText = await readFile(secretFile, 'utf8')
    await closePixstoreBackend()

    // A different process, same data dir, no secret configured: it reuses the file.
    const state = await inChild(
      `await b.initPixstoreBackend(${JSON.stringify(baseConfig(d))}); const p = await b.customEndpointHelper(${JSON.stringify(record.id)}, ${record.token}, ${JSON.stringify(record.statelessProof)}); return p[0]`,
    )
    expect(state).toBe(WireState.Success)
    expect(await readFile(secretFile, 'utf8')).toBe(secretText)
  })

  it('PIXSTORE_SECRET is used when no secret is configured', async () => {
    const d = join(dir, 'env')
    const secret = 'env-secret-0123456789abcdefghijklmnopqrstuvwxyz'
    const proofAndId = (await inChild(
      `await b.initPixstoreBackend(${JSON.stringify(baseConfig(d))}); const r = await b.saveImage(new Uint8Array(${JSON.stringify(Array.from(generateImage('gif', { width: 3, height: 3 })))})); return [r.id, r.statelessProof]`,
      { PIXSTORE_SECRET: secret },
    )) as [string, string]
    await expect(stat(join(d, 'secret'))).rejects.toMatchObject({ code: 'ENOENT' })
    await initPixstoreBackend({ ...baseConfig(d), secret } as never)
    expect((await customEndpointHelper(proofAndId[0], undefined, proofAndId[1]))[0]).toBe(WireState.Updated)
    await closePixstoreBackend()
  })

  it('two live processes sharing data dir and secret serve and verify each other’s images and proofs', async () => {
    const d = join(dir, 'shared')
    const cfg = { ...baseConfig(d), secret: TEST_SECRET }
    await initPixstoreBackend(cfg as never)
    const image = generateImage('webp', { width: 9, height: 7 })
    const mine = (await saveImage(image))!
    // The other process verifies our proof, reads our image, and saves one of its own.
    const theirs = (await inChild(`
      await b.initPixstoreBackend(${JSON.stringify(cfg)})
      const p = await b.customEndpointHelper(${JSON.stringify(mine.id)}, undefined, ${JSON.stringify(mine.statelessProof)})
      const r = await b.saveImage(new Uint8Array(${JSON.stringify(Array.from(generateImage('png', { width: 4, height: 4, seed: 2 })))}))
      return { payload: Array.from(p), record: r }`)) as { payload: number[]; record: { id: string; statelessProof: string; token: number; meta: never } }
    const decoded = await browserDecrypt(new Uint8Array(theirs.payload), mine)
    expect(Buffer.from(decoded.image).equals(Buffer.from(image))).toBe(true)
    // And we verify theirs, while both share the same SQLite file.
    expect((await customEndpointHelper(theirs.record.id, theirs.record.token, theirs.record.statelessProof))[0]).toBe(WireState.Success)
    expect((await getImageRecord(theirs.record.id))!.token).toBe(theirs.record.token)
    await closePixstoreBackend()
  })

  it('an update by another process is served at once (the in-memory ciphertext cache re-checks the token)', async () => {
    const d = join(dir, 'cache')
    const cfg = { ...baseConfig(d), secret: TEST_SECRET }
    await initPixstoreBackend(cfg as never)
    const v1 = generateImage('png', { width: 5, height: 5, seed: 1 })
    const r1 = (await saveImage(v1))!
    // Served once: now cached in this process.
    expect(Buffer.from((await browserDecrypt(await customEndpointHelper(r1.id, r1.token, r1.statelessProof), r1)).image).equals(Buffer.from(v1))).toBe(true)
    const v2 = generateImage('gif', { width: 6, height: 6, seed: 2 })
    await inChild(`await b.initPixstoreBackend(${JSON.stringify(cfg)}); await b.updateImage(${JSON.stringify(r1.id)}, new Uint8Array(${JSON.stringify(Array.from(v2))}))`)
    const out = await browserDecrypt(await customEndpointHelper(r1.id, r1.token, r1.statelessProof), r1)
    expect(out.state).toBe(WireState.Updated)
    expect(Buffer.from(out.image).equals(Buffer.from(v2))).toBe(true)
    await closePixstoreBackend()
  })

  it('an init nobody awaits that fails (busy port) does not kill the process; later calls report why', async () => {
    const d = join(dir, 'unawaited')
    const out = (await inChild(`
      const net = await import('node:net')
      const blocker = net.createServer()
      await new Promise((r) => blocker.listen(0, '127.0.0.1', r))
      const port = blocker.address().port
      b.setErrorHandlingMode('throw')
      // As the README allows: not awaited.
      b.initPixstoreBackend({ dataDir: ${JSON.stringify(d)}, secret: ${JSON.stringify(TEST_SECRET)}, defaultEndpointListenPort: port })
      let error
      // Calls succeed until the endpoint's failure undoes the init; then they say NOT_INITIALIZED.
      for (;;) {
        try { await b.imageExists('abc') } catch (e) { error = e; break }
        await new Promise((r) => setTimeout(r, 10))
      }
      await new Promise((r) => blocker.close(r))
      const chain = []
      for (let e = error; e; e = e.cause) chain.push({ code: e.code, message: e.message })
      return { port, chain }`)) as { port: number; chain: { code: string; message: string }[] }
    // The child got here and exited 0: no unhandled rejection.
    expect(out.chain[0]!.code).toBe('NOT_INITIALIZED')
    expect(out.chain[0]!.message).toContain(`127.0.0.1:${out.port}`)
    expect(out.chain.map((e) => e.code)).toEqual(expect.arrayContaining(['ENDPOINT_ERROR', 'EADDRINUSE']))
  })
})
