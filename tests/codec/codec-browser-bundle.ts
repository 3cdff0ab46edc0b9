// The codec bundled as a browser script (IIFE exposing `PixstoreCodec`), built in memory by esbuild,
// for the tests that run it outside Node: a bare vm context and Debian's Chromium.
import path from 'node:path'
import { build } from 'esbuild'

const root = path.resolve(import.meta.dirname, '../..')

/** The bundle's text and the files it was built from (paths relative to the repository). */
export async function buildCodecBrowserBundle(): Promise<{ text: string; inputs: string[] }> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [path.join(root, 'src/codec/index.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'PixstoreCodec',
    write: false,
    metafile: true,
    logLevel: 'silent',
  })
  return { text: result.outputFiles[0]!.text, inputs: Object.keys(result.metafile.inputs) }
}
