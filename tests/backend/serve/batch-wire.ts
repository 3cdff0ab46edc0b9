// Shared by the batch tests: the container read back by hand (independently of the codec, so a
// codec bug cannot hide a server bug), a mixed set of items with the GET each one stands for, and a
// client for the batch request.
import { deleteImage, getImageRecord, saveImage, updateImage, type ImageRecord } from '../../../src/backend/index.js'
import { WireState } from '../../../src/types/index.js'
import { generateImage } from '../../helpers/sample-images.js'

/** The raw frames of a container, checking its directory strictly. */
export function splitContainer(bytes: Uint8Array): Uint8Array[] {
  if (bytes[0] !== 0xba || bytes[1] !== 1) throw new Error(`not a batch container (first bytes ${bytes[0]}, ${bytes[1]})`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const count = view.getUint16(2, true)
  let at = 4 + 4 * count
  const frames: Uint8Array[] = []
  for (let i = 0; i < count; i++) {
    const len = view.getUint32(4 + 4 * i, true)
    frames.push(bytes.subarray(at, at + len))
    at += len
  }
  if (at !== bytes.length) throw new Error(`container lengths sum to ${at}, body is ${bytes.length}`)
  return frames
}

/** A batch item on the wire. */
export interface WireItem {
  id: string
  token: number | null
  proof: string | null
}

/** Items covering every state a batch can hold, with the state each must get. */
export interface MixedBatch {
  items: WireItem[]
  states: WireState[]
  current: ImageRecord
}

export async function makeMixedBatch(): Promise<MixedBatch> {
  const first = (await saveImage(generateImage('png', { width: 8, height: 6, seed: 1 })))!
  const current = (await updateImage(first.id, generateImage('png', { width: 9, height: 7, seed: 2 })))!
  const other = (await saveImage(generateImage('jpg', { width: 5, height: 5, seed: 3 })))!
  const gone = (await saveImage(generateImage('png', { width: 3, height: 3, seed: 4 })))!
  await deleteImage(gone.id)
  const fresh = (await getImageRecord(current.id))!
  const items: [WireItem, WireState][] = [
    [{ id: current.id, token: current.token, proof: fresh.statelessProof }, WireState.Success],
    [{ id: current.id, token: first.token, proof: fresh.statelessProof }, WireState.Updated],
    [{ id: gone.id, token: null, proof: gone.statelessProof }, WireState.NotFound],
    [{ id: other.id, token: null, proof: fresh.statelessProof }, WireState.InvalidProof],
    [{ id: other.id, token: other.token, proof: null }, WireState.MissingProof],
    [{ id: '../etc', token: null, proof: fresh.statelessProof }, WireState.InvalidProof],
    [{ id: '', token: null, proof: fresh.statelessProof }, WireState.MissingID],
    [{ id: other.id, token: other.token, proof: other.statelessProof }, WireState.Success],
  ]
  return { items: items.map((i) => i[0]), states: items.map((i) => i[1]), current }
}

/** The GET a batch item stands for, answered by `routeUrl` (the raw frame). */
export async function getAsSingle(routeUrl: string, item: WireItem): Promise<Uint8Array> {
  const headers: Record<string, string> = {}
  if (item.proof !== null) headers['x-pixstore-proof'] = item.proof
  if (item.token !== null) headers['x-pixstore-token'] = String(item.token)
  const res = await fetch(`${routeUrl}/${encodeURIComponent(item.id)}`, { headers })
  return new Uint8Array(await res.arrayBuffer())
}

/** POSTs a batch request (JSON of `body` unless it is already a string). */
export async function postBatch(
  routeUrl: string,
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<{ status: number; bytes: Uint8Array; headers: Headers }> {
  const res = await fetch(routeUrl, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) })
  return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()), headers: res.headers }
}
