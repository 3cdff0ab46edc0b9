// Express + a JWT login (jose): images served by the app's own route, which checks the JWT and the
// role first and then lets customEndpointHelper verify a proof scoped to the signed-in user.
// Run: npx tsc -p examples && node examples/out/express-jwt/server.js   (PORT, DATA_DIR optional)
import { randomBytes } from 'node:crypto'
import express, { type Request } from 'express'
import { SignJWT, jwtVerify } from 'jose'
import sharp from 'sharp'
import { customEndpointHelper, getImageRecord, initPixstoreBackend, saveImage } from 'pixstore/backend'

type Role = 'coach' | 'player'
interface User {
  id: string
  password: string
  role: Role
}

// Your user store. Coaches see every player's photo, players only their own.
const users: User[] = [
  { id: 'alice', password: 'coach-pass', role: 'coach' },
  { id: 'bob', password: 'player-pass', role: 'player' },
  { id: 'carol', password: 'player-pass', role: 'player' },
]
const canSee = (user: User, playerId: string) => user.role === 'coach' || user.id === playerId

const jwtKey = process.env.JWT_SECRET ? new TextEncoder().encode(process.env.JWT_SECRET) : randomBytes(32)

async function signIn(id: string, password: string): Promise<string | null> {
  const user = users.find((u) => u.id === id && u.password === password)
  if (!user) return null
  return new SignJWT({ role: user.role }).setProtectedHeader({ alg: 'HS256' }).setSubject(user.id).setExpirationTime('1h').sign(jwtKey)
}

/** The signed-in user of a request (`Authorization: Bearer <jwt>`), or null. */
async function userOf(req: Request): Promise<User | null> {
  const match = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')
  if (!match) return null
  try {
    const { payload } = await jwtVerify(match[1]!, jwtKey, { algorithms: ['HS256'] })
    return users.find((u) => u.id === payload.sub) ?? null
  } catch {
    return null
  }
}

await initPixstoreBackend({ dataDir: process.env.DATA_DIR ?? './.pixstore-example', defaultEndpointEnabled: false })

// One photo per player (a real app saves uploads: saveImage(req.body, 'players')).
const photoOf = new Map<string, string>()
for (const [i, user] of users.entries()) {
  const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 40 * i, g: 120, b: 200 } } }).png().toBuffer()
  const record = await saveImage(png, 'players')
  if (record) photoOf.set(user.id, record.id)
}

const app = express()
app.use(express.json())

app.post('/api/login', async (req, res) => {
  const jwt = await signIn(String(req.body?.username ?? ''), String(req.body?.password ?? ''))
  if (!jwt) return res.status(401).json({ error: 'wrong username or password' })
  res.json({ jwt })
})

// The record of a player's photo, its proof scoped to the user asking: useless to anyone else.
app.get('/api/players/:playerId/photo', async (req, res) => {
  const user = await userOf(req)
  if (!user) return res.status(401).json({ error: 'sign in first' })
  const imageId = photoOf.get(req.params.playerId)
  if (!imageId || !canSee(user, req.params.playerId)) return res.status(403).json({ error: 'not your player' })
  res.json(await getImageRecord(imageId, { scope: user.id }))
})

// The image route: the JWT and the role first, then the proof (for this image and this user).
app.get('/player-image/:playerId/:imageId', async (req, res) => {
  const user = await userOf(req)
  if (!user) return res.status(401).end()
  if (!canSee(user, req.params.playerId) || photoOf.get(req.params.playerId) !== req.params.imageId) return res.status(403).end()
  const payload = await customEndpointHelper(req.params.imageId, req.get('x-pixstore-token'), req.get('x-pixstore-proof'), {
    scope: user.id,
  })
  res.type('application/octet-stream').send(Buffer.from(payload)) // always 200: the state byte says what happened
})

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : process.env.PORT
  console.log(`express-jwt example listening on http://127.0.0.1:${port}`)
})
