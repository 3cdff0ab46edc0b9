// The package's public surface, checked the way a user meets it: `import('pixstore/<subpath>')` in plain
// Node from the built dist/ (what `npm install` builds), each subpath with its .d.ts, the names the
// design promises, and every subpath documented in README.md.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { DOCUMENTED_SUBPATHS, REQUIRED_EXPORTS as REQUIRED } from './public-api.js'

const root = path.resolve(import.meta.dirname, '../..')
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { types: string; import: string }>
}
const readme = readFileSync(path.join(root, 'README.md'), 'utf8')

function exportedNames(subpath: string): string[] {
  const specifier = `pixstore/${subpath.slice(2)}`
  const out = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m)))`],
    { cwd: root, encoding: 'utf8', env: { ...process.env, PIXSTORE_CODEC: 'ts' } },
  )
  return JSON.parse(out.trim().split('\n').pop()!) as string[]
}

const subpaths = Object.keys(pkg.exports).filter((s) => s !== './package.json')

describe('package exports', () => {
  it('lists the subpaths of the design', () => {
    for (const s of DOCUMENTED_SUBPATHS) {
      expect(subpaths).toContain(s)
    }
  })

  describe.each(subpaths)('%s', (subpath) => {
    const entry = pkg.exports[subpath] as { types: string; import: string }

    it('has built JS and types', () => {
      expect(existsSync(path.join(root, entry.import)), `${entry.import} missing: run npm run build`).toBe(true)
      expect(existsSync(path.join(root, entry.types)), `${entry.types} missing`).toBe(true)
    })

    it('imports in plain Node and exports what the design promises', () => {
      const names = exportedNames(subpath)
      expect(names.length).toBeGreaterThan(0)
      for (const name of REQUIRED[subpath] ?? []) expect(names).toContain(name)
    })

    it('is documented in README.md', () => {
      expect(readme).toContain(`pixstore/${subpath.slice(2)}`)
    })
  })
})
