// examples/websocket is a program that works: it type-checks against the package's shipped types
// (imported by its own name, `pixstore/...`, from dist/), its server starts, and its client loads the
// images over WebSocket as a signed-in user and is refused with an unknown ticket.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { WsCloseCode } from '../../src/shared/websocket-protocol.js'

const root = path.resolve(import.meta.dirname, '../..')
const example = path.join(root, 'examples/websocket')
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pixstore-ws-example-'))
let server: ChildProcess
let origin: string
let serverOutput = ''

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

beforeAll(async () => {
  server = spawn(process.execPath, [path.join(example, 'server.mjs')], { cwd: root, env: { ...process.env, PORT: '0', DATA_DIR: dataDir } })
  server.stderr!.on('data', (d) => (serverOutput += d))
  origin = await new Promise<string>((resolve, reject) => {
    server.stdout!.on('data', (d) => {
      serverOutput += d
      const m = /listening on (http:\/\/\S+)/.exec(serverOutput)
      if (m) resolve(m[1]!)
    })
    server.once('exit', (code) => reject(new Error(`example server exited ${code}:\n${serverOutput}`)))
  })
})
afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r))
    server.kill('SIGTERM')
    await exited
  }
  rmSync(dataDir, { recursive: true, force: true })
})

describe('examples/websocket', () => {
  it('the README quotes it verbatim', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8')
    const quotes = [...readme.matchAll(/<!-- quoted from (examples\/websocket\/\S+) -->\n```js\n([\s\S]*?)^```$/gm)]
    expect(quotes.map((q) => q[1])).toEqual(['examples/websocket/server.mjs', 'examples/websocket/client.mjs'])
    for (const [, file, code] of quotes) expect(readFileSync(path.join(root, file!), 'utf8')).toContain(code)
  })

  it('type-checks against the shipped types', () => {
    const tsc = path.join(root, 'node_modules/typescript/bin/tsc')
    const files = ['server.mjs', 'client.mjs'].map((f) => path.join(example, f))
    const args = ['--noEmit', '--allowJs', '--checkJs', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--types', 'node', ...files]
    let output = ''
    try {
      execFileSync(process.execPath, [tsc, ...args], { cwd: root, encoding: 'utf8' })
    } catch (e) {
      output = String((e as { stdout?: string }).stdout ?? e)
    }
    expect(output).toBe('')
  })

  it('the client loads the signed-in user\'s images over WebSocket', async () => {
    const result = await run([path.join(example, 'client.mjs'), origin, 'ticket-ann'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const lines = result.stdout.trim().split('\n')
    expect(lines).toHaveLength(2)
    for (const line of lines) expect(line).toMatch(/^image image\/png \d+ B$/)
    expect(serverOutput.match(/served \S+ state=0 \d+ B/g)).toHaveLength(2)
  })

  it('an unknown ticket is refused: its records (HTTP 401) and its WebSocket connection (4401)', async () => {
    const served = (serverOutput.match(/served /g) ?? []).length
    const result = await run([path.join(example, 'client.mjs'), origin, 'ticket-nobody'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/HTTP 401/)
    const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/pixstore-ws?ticket=ticket-nobody`)
    ws.on('error', () => {})
    const closed = await new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })))
    expect(closed).toEqual({ code: WsCloseCode.Unauthorized, reason: 'unknown ticket' })
    expect((serverOutput.match(/served /g) ?? []).length).toBe(served)
  })
})
