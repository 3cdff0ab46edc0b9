// The page's files, held in memory. The script is bundled once at start-up by esbuild from the BUILT
// package (`pixstore/frontend` and `pixstore/codec` resolve to dist/ through the package's
// self-reference), so the page runs exactly what `npm run build` produced, in one module graph:
// the codec the page switches is the one getImage decodes with.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const pageDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'page')

async function bundleScript(repoRoot) {
  let esbuild
  try {
    esbuild = await import('esbuild')
  } catch {
    throw new Error('esbuild is missing: run `npm install` first')
  }
  const result = await esbuild.build({
    entryPoints: [path.join(pageDir, 'app.js')],
    absWorkingDir: repoRoot,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: false,
    logLevel: 'silent',
  })
  return result.outputFiles[0].contents
}

/** @returns {Promise<Map<string, { type: string, body: Uint8Array }>>} keyed by URL path */
export async function loadPageAssets(repoRoot) {
  const [html, css, script] = await Promise.all([
    readFile(path.join(pageDir, 'index.html')),
    readFile(path.join(pageDir, 'style.css')),
    bundleScript(repoRoot),
  ])
  return new Map([
    ['/', { type: 'text/html; charset=utf-8', body: html }],
    ['/style.css', { type: 'text/css; charset=utf-8', body: css }],
    ['/app.js', { type: 'text/javascript; charset=utf-8', body: script }],
  ])
}
