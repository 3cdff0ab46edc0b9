// Provisions, once per `npm test`, what suites need beyond npm packages: Debian's Chromium for the
// browser tests and a throwaway PostgreSQL on loopback for the storage suites. Both come from the
// project's own scripts so a fresh machine needs nothing installed by hand.
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import type {} from 'vitest'
import type { TestProject } from 'vitest/node'
import { freePort } from '../helpers/free-port.js'

const root = path.resolve(import.meta.dirname, '../..')
const script = (name: string) => path.join(root, 'scripts/test-env', name)


export default async function setup(project: TestProject) {
  execFileSync('bash', [script('ensure-chromium.sh')], { stdio: 'inherit' })
  let databaseUrl = process.env.PIXSTORE_TEST_DATABASE_URL ?? ''
  let pgEnv: NodeJS.ProcessEnv | undefined
  if (!databaseUrl) {
    pgEnv = { ...process.env, PGPORT: String(await freePort()), PGDATA: `/tmp/pixstore-test-pg-${process.pid}` }
    databaseUrl = execFileSync('bash', [script('postgres.sh'), 'start'], { encoding: 'utf8', env: pgEnv }).trim()
  }
  process.env.PIXSTORE_TEST_DATABASE_URL = databaseUrl
  project.provide('databaseUrl', databaseUrl)
  return () => {
    if (pgEnv) execFileSync('bash', [script('postgres.sh'), 'stop'], { stdio: 'inherit', env: pgEnv })
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string
  }
}
