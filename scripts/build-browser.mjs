// Bundles `pixstore/frontend` for browsers: one minified ESM file, dist/browser/pixstore-frontend.js.
// Fails when anything Node-only or backend-only is reachable from the entry, because in a browser
// that is either a broken import or key-handling code shipped to every visitor.
import { build } from 'esbuild'
import { gzipSync } from 'node:zlib'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
// `--outfile <path>` lets tests build a private copy instead of racing on dist/.
const outArg = process.argv.indexOf('--outfile')
const outfile = outArg > 0 && process.argv[outArg + 1] ? path.resolve(process.argv[outArg + 1]) : path.join(root, 'dist/browser/pixstore-frontend.js')

/** Problems that make a bundle unfit for browsers, from esbuild's metafile and the output text. */
export function auditBrowserBundle(code, inputs) {
  const problems = []
  for (const input of inputs) {
    if (input.startsWith('node:') || /(^|\/)src\/backend\//.test(input)) problems.push(`bundled ${input}`)
    // The framework bindings are subpaths of their own (pixstore/react, pixstore/vue): an app without
    // React or Vue must not download either.
    else if (/(^|\/)(src\/(react|vue|bindings)\/|node_modules\/(react|react-dom|vue|@vue\/[\w-]+)\/)/.test(input)) problems.push(`bundled ${input}`)
  }
  const framework = code.match(/(?:from\s*|import\s*\(\s*)["'](react|react-dom|vue)(?:\/[\w/.-]*)?["']|__VUE_OPTIONS_API__|__VUE_PROD_DEVTOOLS__|react\.(?:transitional\.)?element/)
  if (framework) problems.push(`contains framework code (${framework[1] ?? framework[0]})`)
  const nodeImport = code.match(/(?:from\s*|import\s*\(\s*|require\s*\(\s*)["'](node:[\w/]+)["']/)
  if (nodeImport) problems.push(`imports ${nodeImport[1]}`)
  if (/\bbetter-sqlite3\b|\bpg-pool\b|createCipheriv|createHmac/.test(code)) problems.push('contains backend code')
  return problems
}

async function main() {
  mkdirSync(path.dirname(outfile), { recursive: true })
  const result = await build({
    entryPoints: [path.join(root, 'src/frontend/index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    write: false,
    logLevel: 'warning',
  })
  const file = result.outputFiles[0]
  const code = file.text
  const problems = auditBrowserBundle(code, Object.keys(result.metafile.inputs))
  if (problems.length) {
    console.error(`[build-browser] bundle is not browser-safe:\n  ${problems.join('\n  ')}`)
    process.exit(1)
  }
  writeFileSync(outfile, code)
  // `pixstore/frontend/browser` has the API of `pixstore/frontend`, so its types are those (dist/ layout).
  writeFileSync(`${outfile.replace(/\.js$/, '')}.d.ts`, "export * from '../frontend/index.js'\n")
  writeFileSync(`${outfile.replace(/\.js$/, '')}.meta.json`, JSON.stringify(result.metafile))
  const raw = Buffer.byteLength(code)
  const gz = gzipSync(readFileSync(outfile), { level: 9 }).length
  console.log(`[build-browser] ${path.relative(root, outfile)}: ${(raw / 1024).toFixed(1)} KiB raw, ${(gz / 1024).toFixed(1)} KiB gzip`)
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main()
