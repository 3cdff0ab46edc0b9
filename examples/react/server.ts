// Serves the React example: the page, its bundle (esbuild, at startup, from the compiled app.js
// next to this file), the records, and the images through pixstoreExpress.
// Run: npx tsc -p examples && node examples/out/react/server.js   (PORT, DATA_DIR optional)
import path from 'node:path'
import { build } from 'esbuild'
import express from 'express'
import sharp from 'sharp'
import { getImageRecord, initPixstoreBackend, saveImage } from 'pixstore/backend'
import { pixstoreExpress } from 'pixstore/backend/express'

await initPixstoreBackend({ dataDir: process.env.DATA_DIR ?? './.pixstore-example', defaultEndpointEnabled: false })
const ids: string[] = []
for (const [width, height, background] of [[64, 48, '#c33'], [48, 64, '#36c']] as const) {
  const png = await sharp({ create: { width, height, channels: 3, background } }).png().toBuffer()
  ids.push((await saveImage(png, 'photos'))!.id)
}

const bundle = await build({
  entryPoints: [path.join(import.meta.dirname, 'app.js')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  minify: true,
  write: false,
  define: { 'process.env.NODE_ENV': '"production"' },
})

const app = express()
app.get('/', (_req, res) => {
  res.type('html').send('<!doctype html><meta charset="utf-8"><title>Pixstore + React</title><div id="root"></div><script type="module" src="/app.js"></script>')
})
app.get('/app.js', (_req, res) => res.type('text/javascript').send(bundle.outputFiles[0]!.text))
app.get('/api/photos', async (_req, res) => res.json(await Promise.all(ids.map((id) => getImageRecord(id)))))
app.use('/pixstore-image', pixstoreExpress())

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : process.env.PORT
  console.log(`react example listening on http://127.0.0.1:${port}`)
})
