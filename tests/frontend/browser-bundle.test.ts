import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
// @ts-expect-error plain ESM build script
import { auditBrowserBundle } from '../../scripts/build-browser.mjs'

const root = path.resolve(import.meta.dirname, '../..')
const audit = auditBrowserBundle as (code: string, inputs: string[]) => string[]

describe('browser bundle of pixstore/frontend', () => {
  it('builds, reports its size, and contains no node: import and no backend code', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pixstore-bundle-'))
    const file = path.join(dir, 'pixstore-frontend.js')
    let code: string
    let meta: { inputs: Record<string, unknown> }
    try {
      const out = execFileSync(process.execPath, [path.join(root, 'scripts/build-browser.mjs'), '--outfile', file], { cwd: root, encoding: 'utf8' })
      expect(out).toMatch(/pixstore-frontend\.js: [\d.]+ KiB raw, [\d.]+ KiB gzip/)
      code = readFileSync(file, 'utf8')
      meta = JSON.parse(readFileSync(path.join(dir, 'pixstore-frontend.meta.json'), 'utf8'))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    const inputs = Object.keys(meta.inputs)
    expect(audit(code, inputs)).toEqual([])
    expect(code).not.toMatch(/["']node:/)
    expect(inputs.some((i) => i.includes('src/backend/'))).toBe(false)
    expect(inputs).toContain('src/frontend/index.ts')
    // no framework: React and Vue are pixstore/react and pixstore/vue, bundled only by apps using them
    expect(inputs.filter((i) => /node_modules\/(react|react-dom|vue|@vue)\/|src\/(react|vue|bindings)\//.test(i))).toEqual([])
    expect(code).not.toMatch(/react\.(transitional\.)?element|__VUE_OPTIONS_API__|createElementVNode|useSyncExternalStore/)
    // the public operations survive minification as exports
    expect(code).toMatch(/export\s*\{[^}]*\bgetImage\b/)
    expect(code).toMatch(/export\s*\{[^}]*\binitPixstoreFrontend\b/)
  })

  it('the audit catches what it must', () => {
    expect(audit('import{readFile as r}from"node:fs";', [])).toEqual(['imports node:fs'])
    expect(audit('const x=await import("node:crypto")', [])).toEqual(['imports node:crypto'])
    expect(audit('', ['src/backend/images/save-image.ts'])).toEqual(['bundled src/backend/images/save-image.ts'])
    expect(audit('new Database("better-sqlite3")', [])).toEqual(['contains backend code'])
    expect(audit('const a="nodes:fine";', ['src/frontend/index.ts'])).toEqual([])
    expect(audit('', ['src/react/pixstore-image.ts'])).toEqual(['bundled src/react/pixstore-image.ts'])
    expect(audit('', ['node_modules/vue/dist/vue.runtime.esm-bundler.js'])).toEqual(['bundled node_modules/vue/dist/vue.runtime.esm-bundler.js'])
    expect(audit('', ['node_modules/@vue/runtime-core/dist/runtime-core.esm-bundler.js'])).toHaveLength(1)
    expect(audit('import{useState as u}from"react";', [])).toEqual(['contains framework code (react)'])
    expect(audit('const t=Symbol.for("react.transitional.element")', [])).toHaveLength(1)
    expect(audit('if(__VUE_OPTIONS_API__)x()', [])).toHaveLength(1)
    expect(audit('const reactive="a vue of the lake"', ['src/frontend/index.ts'])).toEqual([])
  })
})
