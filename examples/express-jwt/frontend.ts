// The page's side of the Express + JWT example: the JWT stays in memory, and a custom fetcher
// brings it, the proof and the token to the app's own image route. getImage's context
// ({ playerId }) reaches the fetcher, which builds the route from it.
import { getImage, initPixstoreFrontend } from 'pixstore/frontend'
import type { ImageFetcher, ImageRecord } from 'pixstore/types'

let jwt: string | null = null // in memory only: a reload signs out
let apiOrigin = '' // '' in a page the app serves; an absolute origin elsewhere (Node, a test)

const playerImageFetcher: ImageFetcher<{ playerId: string; signal?: AbortSignal }> = async (record, context) => {
  const res = await fetch(`${apiOrigin}/player-image/${encodeURIComponent(context!.playerId)}/${encodeURIComponent(record.id)}`, {
    headers: {
      Authorization: `Bearer ${jwt}`,
      'x-pixstore-proof': record.statelessProof,
      'x-pixstore-token': String(record.token),
    },
    signal: context!.signal ?? null, // getImage's abort (or pixstore/react's unmount) cancels the request
  })
  if (!res.ok) throw new Error(`image request failed: ${res.status}`)
  return new Uint8Array(await res.arrayBuffer())
}

/** Once at startup. */
export function setUpImages(origin = ''): void {
  apiOrigin = origin
  initPixstoreFrontend({ errorHandlingMode: 'throw' }, playerImageFetcher)
}

/** Signs in; the JWT is kept in memory. */
export async function signIn(username: string, password: string): Promise<boolean> {
  const res = await fetch(`${apiOrigin}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  jwt = res.ok ? ((await res.json()) as { jwt: string }).jwt : null
  return jwt !== null
}

/** A player's photo: its record from the API (a proof for this user), then the image. */
export async function playerPhoto(playerId: string): Promise<Blob | null> {
  const res = await fetch(`${apiOrigin}/api/players/${encodeURIComponent(playerId)}/photo`, { headers: { Authorization: `Bearer ${jwt}` } })
  if (!res.ok) throw new Error(`record request failed: ${res.status}`)
  const record = (await res.json()) as ImageRecord
  return getImage(record, { playerId })
}
