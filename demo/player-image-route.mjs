// The app's own image route, `/player-image/:playerId/:imageId`: the app's auth first (JWT, then
// the role), and only then Pixstore's helper, with the proof scope set to the signed-in user, so
// a record issued to anyone else is refused (InvalidProof) even by a user allowed to see the image.
import { customEndpointHelper } from 'pixstore/backend'
import { canView } from './roster.mjs'

/**
 * @param {{ images: import('./image-manifest.mjs').RosterImage[], auth: Awaited<ReturnType<typeof import('./auth.mjs').createAuth>>, log?: (line: string) => void }} ctx
 * @returns {import('express').RequestHandler}
 */
export function playerImageRoute({ images, auth }) {
  return async (req, res) => {
    res.set('cache-control', 'no-store')
    const user = await auth.userOf(req.get('authorization'))
    if (!user) return res.status(401).set('www-authenticate', 'Bearer').json({ error: 'sign in first' })
    const image = images.find((candidate) => candidate.imageId === req.params.imageId && candidate.playerId === req.params.playerId)
    // Unknown image or one of another player: the same 403 as a role refusal, so ids cannot be probed.
    if (!image || !canView(user, image.playerId, image.kind)) return res.status(403).json({ error: 'your role may not see this image' })
    // ?variant=thumb, or none for the original; a repeated or unknown name is the helper's NotFound.
    const variant = req.query.variant === undefined ? undefined : typeof req.query.variant === 'string' ? req.query.variant : ''
    const payload = await customEndpointHelper(image.imageId, req.get('x-pixstore-token') ?? req.query.token, req.get('x-pixstore-proof'), { scope: user.id, variant })
    // Always 200 from here: the state byte says what happened (Success, Updated, InvalidProof...).
    res.type('application/octet-stream').send(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength))
  }
}
