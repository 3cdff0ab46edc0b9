// Hono on Node (@hono/node-server) with pixstore/backend/fetch: the adapter is a Web-standard
// (Request) => Response handler, so it mounts as is. A session middleware in front of it signs
// requests in; the adapter's `scope` ties each proof to the user.
// Run: npx tsc -p examples && node examples/out/hono/server.js   (PORT, DATA_DIR optional)
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { createMiddleware } from 'hono/factory'
import sharp from 'sharp'
import { getImageRecord, initPixstoreBackend, saveImage } from 'pixstore/backend'
import { createPixstoreFetchHandler } from 'pixstore/backend/fetch'

// Your session store: session cookie -> user id.
const sessions = new Map([['session-alice', 'alice']])
const userOf = (request: Request) => sessions.get(/(?:^|;\s*)session=([^;]*)/.exec(request.headers.get('cookie') ?? '')?.[1] ?? '')

await initPixstoreBackend({ dataDir: process.env.DATA_DIR ?? './.pixstore-example', defaultEndpointEnabled: false })
const avatar = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#3a7' } }).png().toBuffer()
const avatarId = (await saveImage(avatar, 'avatars'))!.id

type Env = { Variables: { user: string } }
const app = new Hono<Env>()

// Signed out: 401, nothing served. Signed in: the user travels to the handlers.
const signedIn = createMiddleware<Env>(async (c, next) => {
  const user = userOf(c.req.raw)
  if (!user) return c.json({ error: 'sign in first' }, 401)
  c.set('user', user)
  await next()
})
app.use('/api/*', signedIn)
app.use('/pixstore-image', signedIn)
app.use('/pixstore-image/*', signedIn)

app.get('/api/avatar', async (c) => c.json(await getImageRecord(avatarId, { scope: c.get('user') })))

// The adapter gets the raw Request the middleware saw: the scope is the user of its session.
const pixstore = createPixstoreFetchHandler({ route: '/pixstore-image', scope: userOf })
app.get('/pixstore-image/*', (c) => pixstore(c.req.raw)) // one image: GET {route}/{id}
app.post('/pixstore-image', (c) => pixstore(c.req.raw)) // a batch of images: POST {route}

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: '127.0.0.1' }, (info) => {
  console.log(`hono example listening on http://127.0.0.1:${info.port}`)
})
