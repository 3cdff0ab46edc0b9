// Starts and drives backend-instance children (see children/backend-instance.ts) over IPC.
import { fork, type ChildProcess } from 'node:child_process'
import type { ImageRecord } from '../../src/types/index.js'

export interface Ack {
  id: string
  seed: number
  token: number
}

export interface Instance {
  url: string
  child: ChildProcess
  acks: Ack[]
  call<T>(command: Record<string, unknown>): Promise<T>
  save(seed: number): Promise<ImageRecord>
  update(id: string, seed: number): Promise<ImageRecord>
  record(id: string): Promise<ImageRecord>
  kill(signal?: NodeJS.Signals): Promise<void>
}

export function startInstance(script: string, env: NodeJS.ProcessEnv): Promise<Instance> {
  const child = fork(script, [], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>()
  const acks: Ack[] = []
  let next = 0
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('instance did not start within 20 s')), 20_000)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`instance exited during start (${code ?? signal})`))
      for (const p of pending.values()) p.reject(new Error('instance exited'))
    })
    child.on('message', (m: any) => {
      if (m.ready) {
        clearTimeout(timer)
        const call = <T>(command: Record<string, unknown>) =>
          new Promise<T>((res, rej) => {
            const n = ++next
            pending.set(n, { resolve: res as (v: unknown) => void, reject: rej })
            child.send({ ...command, n })
          })
        resolve({
          url: m.url,
          child,
          acks,
          call,
          save: (seed) => call({ op: 'save', seed }),
          update: (id, seed) => call({ op: 'update', id, seed }),
          record: (id) => call({ op: 'record', id }),
          async kill(signal = 'SIGTERM') {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal)
            await exited
          },
        })
      } else if (m.ack) {
        acks.push(m.ack)
      } else if (typeof m.n === 'number') {
        const p = pending.get(m.n)
        pending.delete(m.n)
        if (m.ok) p?.resolve(m.value)
        else p?.reject(Object.assign(new Error(`${m.error?.code}: ${m.error?.message}`), { code: m.error?.code }))
      }
    })
  })
}
