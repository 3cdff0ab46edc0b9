// One stateless backend instance for the multi-instance test: PostgreSQL storage + the shared secret,
// the built-in endpoint on a free loopback port. The parent drives it over IPC; images are generated
// here from a seed (the parent regenerates the same bytes to check what it gets back).
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { samplePng } from '../sample-png.js'
import { getImageRecord, initPixstoreBackend, saveImage, startDefaultEndpoint, updateImage } from '../../../src/backend/index.js'

const { DATABASE_URL: url, SCHEMA: schema, PIXSTORE_TEST_SECRET: secret, DATA_ROOT: dataRoot } = process.env
const send = (message: unknown) => process.send!(message)
const image = samplePng

await initPixstoreBackend({
  dataDir: mkdtempSync(path.join(dataRoot ?? tmpdir(), 'instance-')),
  storage: { type: 'postgres', url: url!, schema: schema! },
  secret: secret!,
  defaultEndpointEnabled: false,
  defaultEndpointListenPort: 0,
  errorHandlingMode: 'throw',
})
const address = await startDefaultEndpoint()

type Command =
  | { n: number; op: 'save'; seed: number }
  | { n: number; op: 'update'; id: string; seed: number }
  | { n: number; op: 'record'; id: string }
  | { n: number; op: 'updateMany'; id: string; seeds: number[] }
  | { n: number; op: 'churn'; ids: string[]; firstSeed: number }

async function perform(c: Command): Promise<unknown> {
  switch (c.op) {
    case 'save':
      return saveImage(image(c.seed))
    case 'update':
      return updateImage(c.id, image(c.seed))
    case 'record':
      return getImageRecord(c.id)
    case 'updateMany': {
      const tokens: { seed: number; token: number }[] = []
      for (const seed of c.seeds) tokens.push({ seed, token: (await updateImage(c.id, image(seed)))!.token })
      return tokens
    }
    case 'churn': {
      // Until killed: update the images in turn, reporting each acknowledged write at once.
      for (let seed = c.firstSeed; ; seed++) {
        const id = c.ids[seed % c.ids.length]!
        const record = await updateImage(id, image(seed))
        send({ ack: { id, seed, token: record!.token } })
      }
    }
  }
}

process.on('message', (c: Command) => {
  perform(c).then(
    (value) => send({ n: c.n, ok: true, value }),
    (error: { code?: string; message?: string }) => send({ n: c.n, ok: false, error: { code: error?.code, message: error?.message } }),
  )
})
send({ ready: true, url: address!.url })
