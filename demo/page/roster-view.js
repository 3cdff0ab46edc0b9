// The roster's markup: the sign-in choices and one card per player (avatar, name, number,
// position, photos). Tiles come from ImageTile; this module only lays them out.
import { ImageTile } from './image-tile.js'

const ROLE_LABEL = { coach: 'Coach', player: 'Player', guest: 'Guest' }
export const roleLabel = (role) => ROLE_LABEL[role] ?? role

function el(tag, className, text) {
  const node = document.createElement(tag)
  if (className) node.className = className
  if (text !== undefined) node.textContent = text
  return node
}

/** @param {{ id: string, name: string, role: string, description: string }[]} users */
export function renderUserList(list, users, onChoose) {
  list.replaceChildren(
    ...users.map((user) => {
      const item = el('li')
      const button = el('button', 'user-choice')
      button.type = 'button'
      button.dataset.userId = user.id
      button.dataset.role = user.role
      const badge = el('span', `role role-${user.role}`, roleLabel(user.role))
      button.append(el('span', 'user-name', user.name), badge, el('span', 'user-desc', user.description))
      button.addEventListener('click', () => onChoose(user))
      item.append(button)
      return item
    }),
  )
}

/**
 * @param {HTMLElement} list
 * @param {{ players: object[] }} roster
 * @param {(tile: ImageTile) => void} onOpen
 * @returns {ImageTile[]} every tile, locked ones included
 */
export function renderPlayers(list, roster, onOpen) {
  const tiles = []
  list.replaceChildren(
    ...roster.players.map((player) => {
      const card = el('li', 'player')
      card.dataset.playerId = player.id
      const avatar = new ImageTile({ ...player.avatar, playerId: player.id, kind: 'avatar' })
      tiles.push(avatar)
      const head = el('div', 'player-head')
      const text = el('div', 'player-text')
      text.append(el('h2', 'player-name', player.name), el('p', 'player-meta', `#${player.number} · ${player.position}`))
      head.append(avatar.el, text)
      const photos = el('div', 'photos')
      for (const photo of player.photos) {
        const tile = new ImageTile({ ...photo, playerId: player.id, kind: 'photo' }, { onOpen })
        tile.canReplace = player.canReplace
        tiles.push(tile)
        photos.append(tile.el)
      }
      card.append(head, photos)
      return card
    }),
  )
  return tiles
}
