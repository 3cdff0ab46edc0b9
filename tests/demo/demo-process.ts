// Runs `node demo/server.mjs` as `npm start` does, in a child process, and reads its machine-readable
// PIXSTORE_DEMO_READY line. Everything the child prints is kept for assertion messages.
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'

export const repoRoot = path.resolve(import.meta.dirname, '../..')

export interface DemoInfo {
  pageUrl: string
  dataDir: string
  images: number
  seeded: number
  /** Whether the page may switch to the WebSocket transport. */
  websocket: boolean
}

export interface DemoProcess {
  child: ChildProcess
  info: DemoInfo
  output: () => string
  /** Sends `signal`, waits for the exit and returns its code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/** Waits for the child to exit and returns its code and output (for starts meant to fail). */
export function runDemoToExit(env: Record<string, string>, timeoutMs = 20_000): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['demo/server.mjs'], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the demo did not exit within ${timeoutMs} ms:\n${output}`))
    }, timeoutMs)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

export function startDemo(env: Record<string, string>, timeoutMs = 30_000): Promise<DemoProcess> {
  const child = spawn(process.execPath, ['demo/server.mjs'], {
    cwd: repoRoot,
    // No PIXSTORE_SECRET from the caller's shell: the demo must create and reuse its own.
    env: { ...process.env, PIXSTORE_SECRET: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const ready = new Promise<DemoInfo>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no PIXSTORE_DEMO_READY line within ${timeoutMs} ms:\n${output}`)), timeoutMs)
    child.stdout!.on('data', (chunk) => {
      output += chunk
      const line = output.split('\n').find((l) => l.startsWith('PIXSTORE_DEMO_READY '))
      if (line) {
        clearTimeout(timer)
        resolve(JSON.parse(line.slice('PIXSTORE_DEMO_READY '.length)) as DemoInfo)
      }
    })
    child.stderr!.on('data', (chunk) => (output += chunk))
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the demo exited (${code}) before it was ready:\n${output}`))
    })
  })
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the demo ignored ${signal}:\n${output}`)), 10_000))
    try {
      return await Promise.race([exited, timeout])
    } catch (error) {
      child.kill('SIGKILL')
      throw error
    }
  }
  return ready.then(
    (info) => ({ child, info, output: () => output, stop }),
    async (error) => {
      child.kill('SIGKILL')
      throw error
    },
  )
}
