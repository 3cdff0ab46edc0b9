// Every ```ts block of README.md compiles under `strict` against the built package (dist/ .d.ts,
// resolved as `pixstore/...` like an app does) and the project's own dependency versions. Each block
// is its own module; the names an application brings itself (its Express app, auth helpers, the
// record it received…) are declared once below, so a block only has to be right about Pixstore.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '../..')
const readme = readFileSync(path.join(root, 'README.md'), 'utf8')
const snippets = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!)

/** The application's own names the snippets use (not Pixstore's: those come from its types). */
const APP_CONTEXT = `
import type { Express, NextFunction } from 'express'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ImageRecord } from 'pixstore/types'
declare global {
  const app: Express
  // Written against node:http's types, so Express keeps typing each route's params from its path.
  function requireLogin(req: IncomingMessage, res: ServerResponse, next: NextFunction): void
  function imageIdOf(playerId: string): string
  function avatarIdOf(userId: string): string
  function verifyJwt(authorization: string | undefined): { id: string } | null
  function canAccessImage(user: { id: string }, playerId: string): boolean
  function getJwt(): string
  const record: ImageRecord
  const img: HTMLImageElement
  const ciphertext: Uint8Array
}
export {}
`

describe('README TypeScript snippets', () => {
  it('has snippets to check', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(6)
  })

  it('all compile under strict', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pixstore-readme-'))
    try {
      // The app's node_modules: the project's dependencies plus the package itself.
      mkdirSync(path.join(dir, 'node_modules'))
      for (const name of readdirSync(path.join(root, 'node_modules'))) {
        symlinkSync(path.join(root, 'node_modules', name), path.join(dir, 'node_modules', name))
      }
      symlinkSync(root, path.join(dir, 'node_modules/pixstore'))
      writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'readme-app', private: true, type: 'module' }))
      writeFileSync(path.join(dir, 'app-context.d.ts'), APP_CONTEXT)
      const files = snippets.map((code, i) => {
        const file = `snippet-${i + 1}.ts`
        writeFileSync(path.join(dir, file), `${code}\nexport {}\n`)
        return file
      })
      writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
        compilerOptions: {
          target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022', 'dom', 'dom.iterable'],
          types: ['node'], strict: true, noEmit: true, skipLibCheck: true, esModuleInterop: true,
        },
        files: ['app-context.d.ts', ...files],
      }))
      const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: dir, encoding: 'utf8' })
      // snippet-N.ts is the N-th ```ts block of README.md.
      expect(`${tsc.stdout}${tsc.stderr}`).toBe('')
      expect(tsc.status).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
