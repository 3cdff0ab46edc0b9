// "Try to get around it": three real requests to the image route that must fail, each shown with
// what the server answered. Signed out → 401; a photo the role may not see → 403; a record issued
// to another user → the route lets the request through (the role may see that avatar) and Pixstore
// refuses the proof (InvalidProof), because it was issued for another scope.
import { api, session } from './session.js'
import { ImageRequestError, imageTransport } from './image-transport.js'
import { describeWire } from './wire-recorder.js'

/**
 * @param {{ roster: () => { players: object[] } | null, log: HTMLOListElement }} options
 */
export function wireAccessChecks({ roster, log }) {
  const say = (check, outcome, text) => {
    const item = document.createElement('li')
    item.dataset.check = check
    for (const [k, v] of Object.entries(outcome)) item.dataset[k] = String(v)
    item.className = outcome.skipped ? 'skipped' : outcome.refused ? 'refused' : 'allowed'
    const strong = document.createElement('strong')
    strong.textContent = outcome.skipped ? 'Not tried' : outcome.refused ? 'Refused' : 'Served (unexpected)'
    item.append(strong, ` — ${text}`)
    log.prepend(item)
    while (log.children.length > 6) log.lastElementChild.remove()
  }

  const attempt = async (request) => {
    try {
      const wire = describeWire(await imageTransport.request(request))
      return { state: wire.state, stateName: wire.stateName, refused: wire.state !== 0 && wire.state !== 1 }
    } catch (error) {
      if (error instanceof ImageRequestError) return { status: error.status, via: error.via, refused: true }
      throw error
    }
  }

  const checks = {
    async unauthenticated() {
      const player = roster().players[0]
      const outcome = await attempt({ playerId: player.id, imageId: player.avatar.imageId, authorization: null, record: player.avatar.record })
      say('unauthenticated', outcome, outcome.status
        ? `${outcome.via} ${outcome.status}: no sign-in, so the server refused before Pixstore was asked. No image bytes were sent.`
        : `unexpected answer: state ${outcome.stateName}`)
    },
    async forbidden() {
      const players = roster().players
      const target = players.flatMap((p) => p.photos.map((photo) => ({ player: p, photo }))).find(({ photo }) => photo.locked)
      if (!target) {
        say('forbidden', { refused: false, skipped: true }, `${session.user.name} is the coach and may see every photo: sign in as a player or the guest to try this one.`)
        return
      }
      const outcome = await attempt({ playerId: target.player.id, imageId: target.photo.imageId, authorization: session.authorization })
      say('forbidden', outcome, outcome.status
        ? `${outcome.via} ${outcome.status}: ${target.player.name}'s photo "${target.photo.title}" is not for a ${session.user.role}. The role check ran before Pixstore; nothing was served.`
        : `unexpected answer: state ${outcome.stateName}`)
    },
    async scope() {
      const player = roster().players.find((p) => p.id !== session.user.playerId) ?? roster().players[0]
      const { issuedTo, record } = await api(`/api/demo/foreign-record/${encodeURIComponent(player.avatar.imageId)}`)
      const outcome = await attempt({ playerId: player.id, imageId: player.avatar.imageId, authorization: session.authorization, record })
      say('scope', outcome, outcome.state === 5
        ? `state ${outcome.state} ${outcome.stateName}: ${session.user.name} may see ${player.name}'s avatar, but this record was issued to ${issuedTo}. The proof is bound to that user, so it is useless to anyone else.`
        : `unexpected answer: ${outcome.status ? `HTTP ${outcome.status}` : `state ${outcome.stateName}`}`)
    },
  }

  for (const button of document.querySelectorAll('[data-check]')) {
    button.addEventListener('click', async () => {
      button.disabled = true
      try {
        await checks[button.dataset.check]()
      } catch (error) {
        say(button.dataset.check, { refused: true, error: true }, `the check itself failed: ${error.message}`)
      } finally {
        button.disabled = false
      }
    })
  }
}
