// The client side of the test: fetch a wire frame from an instance's endpoint and decrypt it, as the
// frontend would (Success → the record's meta, Updated → the meta in the frame).
import { decodeWirePayload } from '../../src/codec/index.js'
import { openImage } from '../../src/crypto/aes-gcm.js'
import { base64ToBytes } from '../../src/crypto/base64.js'
import { WireState, type ImageRecord, type WirePayload } from '../../src/types/index.js'

export async function fetchFrame(endpoint: string, id: string, proof: string, token: number): Promise<WirePayload> {
  const res = await fetch(`${endpoint}/${encodeURIComponent(id)}`, {
    headers: { 'x-pixstore-proof': proof, 'x-pixstore-token': String(token) },
  })
  if (res.status !== 200) throw new Error(`endpoint answered HTTP ${res.status}`)
  return decodeWirePayload(new Uint8Array(await res.arrayBuffer()))
}

/** Decrypts a frame to `[formatByte][image]` and returns the image bytes with the token they belong to. */
export async function openFrame(frame: WirePayload, record: ImageRecord): Promise<{ token: number; image: Uint8Array }> {
  if (frame.state === WireState.Success) {
    const m = record.meta
    const plain = await openImage(frame.ciphertext, base64ToBytes(m.key)!, base64ToBytes(m.iv)!, base64ToBytes(m.tag)!)
    return { token: record.token, image: plain.subarray(1) }
  }
  if (frame.state === WireState.Updated) {
    const plain = await openImage(frame.ciphertext, frame.key, frame.iv, frame.tag)
    return { token: frame.token, image: plain.subarray(1) }
  }
  throw new Error(`unexpected wire state ${frame.state}`)
}
