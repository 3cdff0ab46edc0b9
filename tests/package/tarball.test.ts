// The package as an application meets it: `npm pack`, `npm install <tarball>` into a fresh app, then
// every documented subpath imported in plain Node ESM, a consumer file type-checked against the shipped
// .d.ts (moduleResolution node16 and bundler), `pixstore/frontend` bundled for browsers with esbuild
// from the installed copy, and publint + attw on the tarball. exports.test.ts checks the same surface
// from the repository's own dist/; this file checks what actually ships.
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REQUIRED_EXPORTS } from './public-api.js'

const root = path.resolve(import.meta.dirname, '../..')
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  name: string
  exports: Record<string, string | { types: string; import: string }>
  dependencies: Record<string, string>
}
const subpaths = Object.keys(pkg.exports).filter((s) => s !== './package.json')
const bin = (name: string) => path.join(root, 'node_modules/.bin', name)

// npm run from `npm test` passes its own config down as npm_* variables (prefix, command, scripts
// policy…); the app's install must see none of them, like a user's shell.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)))

let work: string
let tarball: string
let app: string
let installed: string
let installOutput: string

function run(command: string, args: string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: cleanEnv })
  return { status: r.status, out: `${r.stdout}${r.stderr}` }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
}

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'pixstore-tarball-'))
  // --ignore-scripts: `prepack` would rebuild dist/ while other suites read it; the suite runs on the
  // build `npm install` made (exports.test.ts fails first when dist/ is missing).
  const packed = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root)
  expect(packed.status, packed.out).toBe(0)
  tarball = path.join(work, (JSON.parse(packed.out.slice(packed.out.indexOf('['))) as [{ filename: string }])[0].filename)

  app = path.join(work, 'app')
  mkdirSync(app)
  // better-sqlite3's own install script is denied: without a prebuilt binary it compiles for over a
  // minute. The app reuses the binding the project built (same version, same Node) instead. Denying it
  // by name leaves every other install script reported, so a script of ours would show in the output.
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({
    name: 'consumer-app', version: '1.0.0', private: true, type: 'module', allowScripts: { 'better-sqlite3': false },
  }))
  // --prefer-offline: the project's own install put every dependency of the package in the npm cache.
  const install = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], app)
  installOutput = install.out
  expect(install.status, install.out).toBe(0)
  installed = path.join(app, 'node_modules', pkg.name)

  const sqliteVersion = (dir: string) => (JSON.parse(readFileSync(path.join(dir, 'node_modules/better-sqlite3/package.json'), 'utf8')) as { version: string }).version
  expect(sqliteVersion(app)).toBe(sqliteVersion(root))
  const binding = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'
  mkdirSync(path.dirname(path.join(app, binding)), { recursive: true })
  copyFileSync(path.join(root, binding), path.join(app, binding))
  // An app type-checking against Pixstore has @types/node (the backend's types use Buffer, node:http).
  mkdirSync(path.join(app, 'node_modules/@types'), { recursive: true })
  symlinkSync(path.join(root, 'node_modules/@types/node'), path.join(app, 'node_modules/@types/node'), 'dir')
  // React and Vue are optional peers npm does not install: this app uses both bindings, so it brings
  // them itself (the project's copies), as an app adding them to its own dependencies would.
  for (const name of ['react', 'vue', '@types/react']) {
    const target = path.join(app, 'node_modules', name)
    if (!existsSync(target)) symlinkSync(path.join(root, 'node_modules', name), target, 'dir')
  }
}, 120_000)

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('the packed tarball', () => {
  it('holds dist/ (.js, .d.ts, .js.map), README, LICENSE and package.json, nothing else', () => {
    const files = filesUnder(installed)
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']))
    const outside = files.filter((f) => !['LICENSE', 'README.md', 'package.json'].includes(f) && !/^dist\/.+\.(js|d\.ts|js\.map)$/.test(f))
    expect(outside).toEqual([])
    expect(readFileSync(path.join(installed, 'LICENSE'), 'utf8')).toMatch(/^MIT License/)
    for (const subpath of subpaths) {
      const entry = pkg.exports[subpath] as { types: string; import: string }
      expect(files, subpath).toContain(entry.import.slice(2))
      expect(files, subpath).toContain(entry.types.slice(2))
    }
  })

  it('ships every .js with a source map that resolves, its sources inlined and current', () => {
    const files = filesUnder(installed)
    const scripts = files.filter((f) => f.endsWith('.js') && !f.startsWith('dist/browser/'))
    expect(scripts.length).toBeGreaterThan(50)
    for (const file of scripts) {
      const code = readFileSync(path.join(installed, file), 'utf8')
      const url = code.match(/\/\/# sourceMappingURL=(\S+)\s*$/)?.[1]
      expect(url, `${file} names no source map`).toBeDefined()
      const mapFile = path.posix.join(path.posix.dirname(file), url!)
      expect(files, `${file} -> ${mapFile}`).toContain(mapFile)
      const map = JSON.parse(readFileSync(path.join(installed, mapFile), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] }
      expect(map.sources.length).toBeGreaterThan(0)
      map.sources.forEach((source, i) => {
        // src/ is not shipped: the content travels in the map. It must be the repository's source
        // today, which also proves dist/ holds no file left over from a module deleted since.
        const fromRepo = path.resolve(path.dirname(path.join(root, mapFile)), source)
        expect(existsSync(fromRepo), `${mapFile}: ${source} not in src/`).toBe(true)
        expect(map.sourcesContent?.[i], `${mapFile}: ${source} not inlined`).toBe(readFileSync(fromRepo, 'utf8'))
      })
    }
  })

  it('has no module a bundler may drop under "sideEffects": false (no import for effect only)', () => {
    const bare = filesUnder(installed)
      .filter((f) => f.endsWith('.js'))
      .filter((f) => /^\s*import\s*['"]/m.test(readFileSync(path.join(installed, f), 'utf8')))
    expect(bare).toEqual([])
  })

  it('installs into an app without an install script of ours, and npm names none of ours', () => {
    const installedPkg = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) expect(installedPkg.scripts?.[hook], hook).toBeUndefined()
    expect(installOutput).not.toMatch(new RegExp(`\\b${pkg.name}@`))
    expect(installOutput).not.toMatch(/npm (warn|error)/i)
  })
})

describe('the installed package', () => {
  it.each(subpaths)('%s imports in plain Node ESM and exports what the design promises', (subpath) => {
    const specifier = `${pkg.name}/${subpath.slice(2)}`
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m)))`],
      { cwd: app, encoding: 'utf8', env: { ...cleanEnv, PIXSTORE_CODEC: 'ts' } },
    )
    const names = JSON.parse(out.trim().split('\n').pop()!) as string[]
    expect(names.length).toBeGreaterThan(0)
    for (const name of REQUIRED_EXPORTS[subpath] ?? []) expect(names).toContain(name)
  })

  it('runs: the backend saves an image and serves it through customEndpointHelper (the native binding loads)', () => {
    const script = `
      import { initPixstoreBackend, saveImage, customEndpointHelper, closePixstoreBackend } from 'pixstore/backend'
      import { decodeWirePayload, WireState } from 'pixstore/codec'
      await initPixstoreBackend({ dataDir: ${JSON.stringify(path.join(work, 'data'))}, defaultEndpointEnabled: false, errorHandlingMode: 'throw' })
      // A real 1x1 PNG: the ingest reads its headers and decodes it (sharp) for the placeholder.
      const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000970485973000003e8000003e801b57b526b0000000d494441540899636060606000000005000187a14ed40000000049454e44ae426082', 'hex')
      const record = await saveImage(png, 'avatars')
      const payload = decodeWirePayload(await customEndpointHelper(record.id, record.token, record.statelessProof))
      console.log(JSON.stringify({ state: payload.state, success: WireState.Success, bytes: payload.ciphertext.length, width: record.info.width }))
      await closePixstoreBackend()`
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: app, encoding: 'utf8', env: cleanEnv })
    const result = JSON.parse(out.trim().split('\n').pop()!) as { state: number; success: number; bytes: number; width: number }
    expect(result.state).toBe(result.success)
    expect(result.width).toBe(1)
    expect(result.bytes).toBeGreaterThan(64)
  })

  // A consumer file using each subpath's types, compiled against the shipped .d.ts with skipLibCheck
  // off (so a .d.ts naming a type the package does not ship fails here).
  const consumer = `
    import { initPixstoreBackend, saveImage, getImageRecord, customEndpointHelper, type ImageRecord, type PixstoreBackendConfig } from 'pixstore/backend'
    import { pixstoreExpress } from 'pixstore/backend/express'
    import { createPixstoreFetchHandler } from 'pixstore/backend/fetch'
    import { initPixstoreFrontend, getImage, getCacheStats, acquireObjectUrl, type CacheStats } from 'pixstore/frontend'
    import * as browserBundle from 'pixstore/frontend/browser'
    import { decodeWirePayload, encodeWirePayload, WireState } from 'pixstore/codec'
    import { PixstoreError, setErrorHandlingMode } from 'pixstore/shared'
    import type { ImageFetcher } from 'pixstore/types'

    const config: PixstoreBackendConfig = { dataDir: './.pixstore', defaultEndpointEnabled: false }
    export async function backend(bytes: Uint8Array): Promise<Uint8Array | null> {
      await initPixstoreBackend(config)
      const record: ImageRecord | null = await saveImage(bytes, 'avatars')
      if (!record) return null
      const fresh = await getImageRecord(record.id, { scope: 'user-1' })
      return customEndpointHelper(record.id, fresh?.token, fresh?.statelessProof ?? '', { scope: 'user-1' })
    }
    export const middleware = pixstoreExpress({ scope: () => 'user-1' })
    export const handler: (request: Request) => Promise<Response> = createPixstoreFetchHandler({ route: '/pixstore-image' })
    const fetcher: ImageFetcher<{ playerId: string }> = async () => new Uint8Array(0)
    initPixstoreFrontend({ endpointBaseUrl: '/pixstore-image' }, fetcher)
    browserBundle.initPixstoreFrontend({ endpointBaseUrl: '/pixstore-image' })
    export async function frontend(record: ImageRecord): Promise<string | null> {
      const stats: CacheStats | null = await getCacheStats()
      const blob = await getImage(record, { playerId: '42' })
      return blob && stats ? acquireObjectUrl(blob).url : null
    }
    const frame: Uint8Array = encodeWirePayload({ state: WireState.NotFound })
    export const state: WireState = decodeWirePayload(frame).state
    setErrorHandlingMode('throw')
    export const isError = (e: unknown): boolean => e instanceof PixstoreError
  `

  it.each([
    ['node16', { module: 'node16', moduleResolution: 'node16' }],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }],
  ])('type-checks a consumer against the shipped types (moduleResolution %s)', (name, options) => {
    const dir = path.join(app, `ts-${name}`)
    mkdirSync(dir, { recursive: true })
    writeFileSync(path.join(dir, 'consumer.ts'), consumer)
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        ...options, target: 'es2022', lib: ['es2022', 'dom'], types: ['node'], strict: true, noEmit: true, skipLibCheck: false,
      },
      files: ['consumer.ts'],
    }))
    const tsc = run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], dir)
    expect(tsc.out).toBe('')
    expect(tsc.status).toBe(0)
  })

  // The bindings' .d.ts against the real React and Vue types, apart from the consumer above: checking
  // those libraries' own declarations (skipLibCheck off) costs tens of seconds, so once, as a bundler
  // app (where React and Vue apps live) resolves them.
  it('type-checks a React and a Vue consumer against the shipped binding types (moduleResolution bundler)', () => {
    const dir = path.join(app, 'ts-bindings')
    mkdirSync(dir, { recursive: true })
    writeFileSync(path.join(dir, 'consumer.ts'), `
      import { PixstoreImage, usePixstoreImage, type PixstoreImageState } from 'pixstore/react'
      import { PixstoreImage as VuePixstoreImage, usePixstoreImage as useVuePixstoreImage } from 'pixstore/vue'
      import type { ImageRecord } from 'pixstore/types'
      import { createElement, type ReactElement } from 'react'
      import { h, ref, type VNode } from 'vue'
      export function Avatar(props: { record: ImageRecord }): ReactElement {
        const state: PixstoreImageState = usePixstoreImage(props.record, { context: { playerId: '42' }, variant: 'thumb' })
        return state.url ? createElement('img', { src: state.url }) : createElement(PixstoreImage, { record: props.record, alt: '' })
      }
      export function vueAvatar(record: ImageRecord): VNode {
        const { url, status } = useVuePixstoreImage(ref<ImageRecord | null>(record), { variant: null })
        return status.value === 'ready' ? h('img', { src: url.value }) : h(VuePixstoreImage, { record, alt: '' })
      }
    `)
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        module: 'esnext', moduleResolution: 'bundler', target: 'es2022', lib: ['es2022', 'dom'], types: [], strict: true, noEmit: true, skipLibCheck: false,
      },
      files: ['consumer.ts'],
    }))
    const tsc = run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], dir)
    expect(tsc.out).toBe('')
    expect(tsc.status).toBe(0)
  }, 180_000)

  it('bundles pixstore/frontend for the browser with esbuild: no node: import, no backend code', async () => {
    const { build } = await import('esbuild')
    writeFileSync(path.join(app, 'browser-entry.js'), "export { initPixstoreFrontend, getImage } from 'pixstore/frontend'\n")
    const result = await build({
      absWorkingDir: app, entryPoints: ['browser-entry.js'], bundle: true, format: 'esm', platform: 'browser',
      target: 'es2022', write: false, metafile: true, logLevel: 'silent',
    })
    const inputs = Object.keys(result.metafile.inputs)
    expect(inputs.some((i) => i.startsWith('node_modules/pixstore/dist/frontend/'))).toBe(true)
    expect(inputs.filter((i) => i.startsWith('node:') || i.includes('/dist/backend/') || i.includes('better-sqlite3'))).toEqual([])
    expect(result.outputFiles[0]!.text).not.toMatch(/["']node:/)
  })
})

describe('package linters on the tarball', () => {
  it('publint: no error, no warning, no suggestion', () => {
    const r = run(bin('publint'), ['run', '--strict', tarball], work)
    expect(r.status, r.out).toBe(0)
    expect(r.out).toMatch(/All good!/)
  })

  it('attw (@arethetypeswrong/cli): no problem for ESM consumers', () => {
    // --profile esm-only: the package is ESM only by design (CommonJS code loads it with import()); the
    // node10 resolution (no `exports` support) and CommonJS `require` from node16 are out of scope.
    const r = run(bin('attw'), ['--profile', 'esm-only', '--format', 'json', tarball], work)
    expect(r.status, r.out).toBe(0)
    const report = JSON.parse(r.out) as { analysis: { problems: unknown[] } }
    const problems = (report.analysis.problems as { resolutionKind?: string }[])
      .filter((p) => p.resolutionKind !== 'node10' && p.resolutionKind !== 'node16-cjs')
    expect(problems).toEqual([])
  })
})
