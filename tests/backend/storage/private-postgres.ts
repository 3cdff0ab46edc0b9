// A PostgreSQL server of a test's own (scripts/test-env/postgres.sh on a free port), for tests that
// restart or stop the server and so must not touch the shared one other files are using.
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { freePort } from '../../helpers/free-port.js'

const root = path.resolve(import.meta.dirname, '../../..')
const script = path.join(root, 'scripts/test-env/postgres.sh')


export interface PrivatePostgres {
  url: string
  /** `pg_ctl restart -m fast`: every connection is dropped, the data stays. */
  restart(): void
  /** Stops the server, keeping its data for {@link PrivatePostgres.resume}. */
  pause(): void
  resume(): void
  /** Stops the server and deletes its data. */
  stop(): void
}

export async function startPrivatePostgres(label: string): Promise<PrivatePostgres> {
  const env = { ...process.env, PGPORT: String(await freePort()), PGDATA: `/tmp/pixstore-${label}-pg-${process.pid}` }
  const url = execFileSync('bash', [script, 'start'], { encoding: 'utf8', env }).trim()
  const pgCtl = (...args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', '/usr/lib/postgresql/15/bin/pg_ctl', '-D', env.PGDATA, ...args], { cwd: '/tmp', stdio: 'ignore' })
  return {
    url,
    restart: () => pgCtl('-m', 'fast', '-w', '-t', '30', 'restart'),
    pause: () => pgCtl('-m', 'fast', '-w', 'stop'),
    resume: () =>
      pgCtl('-l', `${env.PGDATA}.log`, '-w', '-t', '30', 'start', '-o', `-p ${env.PGPORT} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off`),
    stop: () => execFileSync('bash', [script, 'stop'], { env, stdio: 'ignore' }),
  }
}
