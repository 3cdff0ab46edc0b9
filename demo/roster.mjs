// The demo's team: who plays, who may sign in, and who may see what. A real app keeps this in its
// own database; Pixstore only ever sees image ids, and the app decides who gets a record for which.

export const TEAM = { name: 'Harbour City FC', colors: { primary: '#0b3d91', secondary: '#f2c230' } }

/**
 * The players and the images the seed draws for each (an avatar, two private photos).
 * @type {readonly { id: string, name: string, number: number, position: string, photos: readonly { title: string, kind: 'pitch' | 'valley' | 'dusk' }[] }[]}
 */
export const PLAYERS = [
  { id: 'maya', name: 'Maya Okafor', number: 9, position: 'Forward', photos: [{ title: 'Sunday training', kind: 'pitch' }, { title: 'Lake walk', kind: 'valley' }] },
  { id: 'jonas', name: 'Jonas Keller', number: 4, position: 'Defender', photos: [{ title: 'Away ground', kind: 'pitch' }, { title: 'After the final', kind: 'dusk' }] },
  { id: 'lucia', name: 'Lucía Ortega', number: 10, position: 'Midfielder', photos: [{ title: 'Hill run', kind: 'valley' }, { title: 'Warm-up', kind: 'pitch' }] },
  { id: 'sam', name: 'Sam Whitaker', number: 1, position: 'Goalkeeper', photos: [{ title: 'Evening session', kind: 'dusk' }, { title: 'Home pitch', kind: 'pitch' }] },
  { id: 'priya', name: 'Priya Nair', number: 7, position: 'Winger', photos: [{ title: 'Training camp', kind: 'valley' }, { title: 'Night match', kind: 'dusk' }] },
  { id: 'tomas', name: 'Tomás Silva', number: 5, position: 'Defender', photos: [{ title: 'Cup tie', kind: 'pitch' }, { title: 'Team trip', kind: 'valley' }] },
]

/**
 * Who may sign in. No passwords: the demo is about what happens after sign-in.
 * @typedef {{ id: string, name: string, role: 'coach' | 'player' | 'guest', playerId?: string, description: string }} DemoUser
 * @type {readonly DemoUser[]}
 */
export const USERS = [
  { id: 'coach-dana', name: 'Dana Reyes', role: 'coach', description: "Coach: every player's photos" },
  { id: 'player-maya', name: 'Maya Okafor', role: 'player', playerId: 'maya', description: "Player: her own photos and everyone's avatar" },
  { id: 'player-sam', name: 'Sam Whitaker', role: 'player', playerId: 'sam', description: "Player: his own photos and everyone's avatar" },
  { id: 'guest', name: 'Guest', role: 'guest', description: 'Guest: avatars only' },
]

export const userById = (id) => USERS.find((user) => user.id === id) ?? null
export const playerById = (id) => PLAYERS.find((player) => player.id === id) ?? null

/** Avatars are for every signed-in user; a photo for the coach and the player it belongs to. */
export function canView(user, playerId, kind) {
  if (!user) return false
  if (kind === 'avatar') return true
  return user.role === 'coach' || (user.role === 'player' && user.playerId === playerId)
}

/** Replacing follows the same line, minus guests: the coach any image, a player their own. */
export function canReplace(user, playerId) {
  if (!user) return false
  return user.role === 'coach' || (user.role === 'player' && user.playerId === playerId)
}

/** Why a photo is hidden, in words for the page. */
export function lockedReason(user, player) {
  return user?.role === 'guest' ? 'Private: sign in as the coach or the player' : `Private to ${player.name.split(' ')[0]} and the coach`
}
