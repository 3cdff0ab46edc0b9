// The demo application's own API: what a real app does in its routes. Sign-in issues a JWT; the
// roster hands each user fresh ImageRecords scoped to them (a new proof on every call, never
// cached) for exactly the images their role may see.
import express from 'express'
import { getImageRecord } from 'pixstore/backend'
import { canReplace, canView, lockedReason, PLAYERS, TEAM, USERS, userById } from './roster.mjs'
import { replaceImage } from './seed-images.mjs'

const noStore = (res) => res.set('cache-control', 'no-store') // records carry keys and proofs

/**
 * @param {{ dataDir: string, images: import('./image-manifest.mjs').RosterImage[], auth: Awaited<ReturnType<typeof import('./auth.mjs').createAuth>> }} ctx
 * @returns {import('express').Router}
 */
export function createRosterApi({ dataDir, images, auth }) {
  const router = express.Router()
  const imageById = (id) => images.find((image) => image.imageId === id) ?? null
  const recordFor = (user, image) => getImageRecord(image.imageId, { scope: user.id })
  // One replace at a time keeps the manifest's seeds in step with the stored versions.
  let replacing = Promise.resolve()

  const requireUser = async (req, res, next) => {
    const user = await auth.userOf(req.get('authorization'))
    if (!user) return res.status(401).set('www-authenticate', 'Bearer').json({ error: 'sign in first' })
    req.user = user
    next()
  }

  router.use((req, res, next) => (noStore(res), next()))
  router.get('/users', (req, res) => res.json(USERS))

  router.post('/session', express.json({ limit: '1kb' }), async (req, res) => {
    const user = userById(req.body?.userId)
    if (!user) return res.status(400).json({ error: 'no demo user with this id' })
    res.json({ token: await auth.issue(user), user })
  })

  // A browser WebSocket cannot send headers: trade the JWT for a one-minute ticket for its URL.
  router.post('/websocket-ticket', requireUser, async (req, res) => res.json({ ticket: await auth.issueTicket(req.user) }))

  router.get('/roster', requireUser, async (req, res) => {
    const user = req.user
    const players = []
    for (const player of PLAYERS) {
      const own = images.filter((image) => image.playerId === player.id)
      const entry = async (image) => ({
        imageId: image.imageId,
        title: image.title,
        replaced: image.replaced,
        ...(canView(user, player.id, image.kind) ? { record: await recordFor(user, image) } : { locked: lockedReason(user, player) }),
      })
      const { photos: _plan, ...facts } = player
      players.push({
        ...facts,
        canReplace: canReplace(user, player.id),
        avatar: await entry(own.find((image) => image.kind === 'avatar')),
        photos: await Promise.all(own.filter((image) => image.kind === 'photo').map(entry)),
      })
    }
    res.json({ team: TEAM, user, players })
  })

  // A fresh record for one image (refreshRecord after an expired proof; the current version after `Updated`).
  router.get('/images/:imageId/record', requireUser, async (req, res) => {
    const image = imageById(req.params.imageId)
    if (!image) return res.status(404).json({ error: 'no such image' })
    if (!canView(req.user, image.playerId, image.kind)) return res.status(403).json({ error: 'your role may not see this image' })
    res.json({ record: await recordFor(req.user, image) })
  })

  router.post('/images/:imageId/replace', requireUser, async (req, res) => {
    const image = imageById(req.params.imageId)
    if (!image) return res.status(404).json({ error: 'no such image' })
    if (!canReplace(req.user, image.playerId)) return res.status(403).json({ error: 'your role may not replace this image' })
    const next = replacing.then(() => replaceImage(dataDir, images, image))
    replacing = next.catch(() => {})
    if (!(await next)) return res.status(500).json({ error: 'could not replace the image' })
    res.json({ record: await recordFor(req.user, image), replaced: image.replaced })
  })

  // For the page's "try someone else's record" check: the record this avatar would have for another
  // user (as if it leaked from their browser). Avatars only, so the role check passes and what
  // refuses it is the proof's scope alone.
  router.get('/demo/foreign-record/:imageId', requireUser, async (req, res) => {
    const image = imageById(req.params.imageId)
    if (!image || image.kind !== 'avatar') return res.status(404).json({ error: 'no such avatar' })
    const owner = USERS.find((user) => user.id !== req.user.id)
    res.json({ issuedTo: owner.name, record: await recordFor(owner, image) })
  })

  return router
}
