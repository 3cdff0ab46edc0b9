// A minimal Pixstore-compatible endpoint on 127.0.0.1 for frontend tests: images sealed with our
// crypto, frames built with our codec, proofs that can be expired on demand, every request counted.
// Variants (`?variant=`) are sealed each under their own key, served under the image's token and proof.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createFrame, encodeWirePayload } from '../../../src/codec/index.js'
import { sealImage } from '../../../src/crypto/aes-gcm.js'
import { bytesToBase64 } from '../../../src/crypto/base64.js'
import { formatToByte } from '../../../src/shared/image-formats.js'
import { WireState, type ImageRecord } from '../../../src/types/index.js'

interface Sealed {
  key: Uint8Array
  iv: Uint8Array
  tag: Uint8Array
  ciphertext: Uint8Array
}

interface StoredImage extends Sealed {
  token: number
  variants: Map<string, Sealed & { bytes: number }>
}

export interface RequestSeen {
  id: string
  token: string | undefined
  proof: string | undefined
  /** The `?variant=` asked for, undefined for the original. */
  variant?: string
}

export interface ImageServer {
  /** Base URL of the endpoint route, e.g. http://127.0.0.1:1234/pixstore-image */
  baseUrl: string
  port: number
  requests: RequestSeen[]
  /** Stores a new version of `id` (a higher token), with its variants (name -> image bytes). */
  save(id: string, image: Uint8Array, format?: string, variants?: Record<string, Uint8Array>): Promise<ImageRecord>
  record(id: string): ImageRecord
  /** Proofs issued before this call answer InvalidProof. */
  expireProofs(): void
  /** Answer every request with these bytes instead (null restores normal service). */
  override: ((id: string) => Uint8Array) | null
  /** Delay before answering, ms. */
  delayMs: number
  close(): Promise<void>
}

export async function startImageServer(route = '/pixstore-image'): Promise<ImageServer> {
  const images = new Map<string, StoredImage>()
  let generation = 0
  let lastToken = 0
  const proofFor = (id: string) => `proof.${generation}.${Buffer.from(id).toString('base64url')}`
  const metaOf = (s: Sealed) => ({ key: bytesToBase64(s.key), iv: bytesToBase64(s.iv), tag: bytesToBase64(s.tag) })
  const recordOf = (id: string): ImageRecord => {
    const img = images.get(id)!
    const record: ImageRecord = { id, token: img.token, meta: metaOf(img), statelessProof: proofFor(id) }
    if (img.variants.size > 0) {
      record.variants = Object.fromEntries(
        [...img.variants].map(([name, v]) => [name, { meta: metaOf(v), info: { mime: 'image/png', width: 1, height: 1, bytes: v.bytes } }]),
      )
    }
    return record
  }
  const seal = async (image: Uint8Array, format: string): Promise<Sealed> => {
    const plaintext = new Uint8Array(image.length + 1)
    plaintext[0] = formatToByte(format)
    plaintext.set(image, 1)
    const sealed = await sealImage(plaintext)
    return { ...sealed, ciphertext: sealed.ciphertext.slice() }
  }
  const frameFor = (id: string | undefined, token: string | undefined, proof: string | undefined, variant: string | undefined): Uint8Array => {
    if (!id) return encodeWirePayload({ state: WireState.MissingID })
    if (!proof) return encodeWirePayload({ state: WireState.MissingProof })
    if (proof !== proofFor(id)) return encodeWirePayload({ state: WireState.InvalidProof })
    const img = images.get(id)
    if (!img) return encodeWirePayload({ state: WireState.NotFound })
    const sealed = variant === undefined ? img : img.variants.get(variant)
    if (!sealed) return encodeWirePayload({ state: WireState.NotFound })
    const current = token !== undefined && Number(token) === img.token
    const { frame, body } = createFrame(current ? null : { token: img.token, key: sealed.key, iv: sealed.iv, tag: sealed.tag }, sealed.ciphertext.length)
    body.set(sealed.ciphertext)
    return frame
  }
  const server: ImageServer = {
    baseUrl: '',
    port: 0,
    requests: [],
    override: null,
    delayMs: 0,
    async save(id, image, format = 'png', variants = {}) {
      const sealed = await seal(image, format)
      const sealedVariants = new Map<string, Sealed & { bytes: number }>()
      for (const [name, bytes] of Object.entries(variants)) sealedVariants.set(name, { ...(await seal(bytes, 'png')), bytes: bytes.length })
      lastToken = Math.max(lastToken + 1, Date.now())
      images.set(id, { token: lastToken, ...sealed, variants: sealedVariants })
      return recordOf(id)
    },
    record: recordOf,
    expireProofs() {
      generation++
    },
    close() {
      return new Promise((resolve) => {
        http_.closeAllConnections()
        http_.close(() => resolve())
      })
    },
  }
  const http_ = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    if (req.method !== 'GET' || !url.pathname.startsWith(route)) {
      res.writeHead(404).end()
      return
    }
    const rawId = url.pathname.slice(route.length + 1)
    const id = rawId ? decodeURIComponent(rawId) : undefined
    const token = (req.headers['x-pixstore-token'] as string | undefined) ?? url.searchParams.get('token') ?? undefined
    const proof = req.headers['x-pixstore-proof'] as string | undefined
    const variant = url.searchParams.get('variant') ?? undefined
    server.requests.push(variant === undefined ? { id: id ?? '', token, proof } : { id: id ?? '', token, proof, variant })
    const answer = () => {
      const frame = server.override ? server.override(id ?? '') : frameFor(id, token, proof, variant)
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': frame.length, 'cache-control': 'no-store' })
      res.end(frame)
    }
    if (server.delayMs > 0) setTimeout(answer, server.delayMs)
    else answer()
  })
  await new Promise<void>((resolve) => http_.listen(0, '127.0.0.1', resolve))
  server.port = (http_.address() as AddressInfo).port
  server.baseUrl = `http://127.0.0.1:${server.port}${route}`
  return server
}
