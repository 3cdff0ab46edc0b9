// The codec (or the frontend) bundled as a browser script (IIFE exposing `PixstoreCodec` /
// `PixstoreFrontend`), built in memory by esbuild, for the tests that run it outside Node: a bare vm
// context and Debian's Chromium. `autoAllWasm` swaps the committed auto table for one that gives every
// operation to WASM, so the `auto` fallback can be exercised whatever the last benchmark decided.
import path from 'node:path'
import { build, type Plugin } from 'esbuild'

const root = path.resolve(import.meta.dirname, '../..')

const allWasmTable: Plugin = {
  name: 'auto-all-wasm',
  setup(b) {
    b.onLoad({ filter: /auto-choice\.generated\.ts$/ }, async () => {
      const { CODEC_OPERATIONS } = await import('../../src/codec/selection.js')
      const table = Object.fromEntries(CODEC_OPERATIONS.map((op) => [op, 'wasm']))
      return {
        loader: 'ts',
        contents: `export const AUTO_CHOICE = ${JSON.stringify(table)}\nexport const AUTO_CHOICE_SOURCE = { measuredAt: null, wasmOverTs: {} }\n`,
      }
    })
  },
}

/** The bundle's text and the files it was built from (paths relative to the repository). */
export async function buildCodecBrowserBundle(
  options: { entry?: 'codec' | 'frontend'; autoAllWasm?: boolean } = {},
): Promise<{ text: string; inputs: string[] }> {
  const entry = options.entry ?? 'codec'
  const result = await build({
    absWorkingDir: root,
    entryPoints: [path.join(root, `src/${entry}/index.ts`)],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: entry === 'codec' ? 'PixstoreCodec' : 'PixstoreFrontend',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: options.autoAllWasm ? [allWasmTable] : [],
  })
  return { text: result.outputFiles[0]!.text, inputs: Object.keys(result.metafile.inputs) }
}
