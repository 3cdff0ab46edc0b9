// Shared by the backend tests: throwaway data dirs, a started backend on a free loopback port, and
// a client that fetches + decrypts exactly as a browser does (WebCrypto, strict wire decoder).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeWirePayload } from '../../src/codec/index.js'
import { base64ToBytes } from '../../src/crypto/base64.js'
import { closePixstoreBackend, initPixstoreBackend, startDefaultEndpoint } from '../../src/backend/index.js'
import type { PixstoreBackendConfig } from '../../src/backend/index.js'
import { WireState, type ImageRecord } from '../../src/types/index.js'

export const TEST_SECRET = 'test-secret-0123456789abcdefghijklmnopqrstuvwxyz'
export const OTHER_SECRET = 'other-secret-0123456789abcdefghijklmnopqrstuvwxy'
export const OLD_SECRET = 'old-secret-0123456789abcdefghijklmnopqrstuvwxyz!'

/** A fresh directory under tmpdir (or /dev/shm when `tmpfs`). */
export async function makeTempDir(prefix: string, tmpfs = false): Promise<string> {
  return mkdtemp(join(tmpfs ? '/dev/shm' : tmpdir(), `pixstore-${prefix}-`))
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}

/** Starts the backend with its endpoint on 127.0.0.1:<free port>; returns the route URL. */
export async function startBackend(dataDir: string, overrides: PixstoreBackendConfig = {}): Promise<string> {
  await initPixstoreBackend({
    dataDir,
    secret: TEST_SECRET,
    errorHandlingMode: 'throw',
    defaultEndpointEnabled: false,
    defaultEndpointListenPort: 0,
    ...overrides,
  })
  const address = await startDefaultEndpoint()
  if (!address) throw new Error('endpoint did not start')
  return address.url
}

export async function stopBackend(): Promise<void> {
  await closePixstoreBackend()
}

/** GETs `{routeUrl}/{id}` with the record's proof and (optionally) token; returns the raw payload. */
export async function fetchWire(
  routeUrl: string,
  id: string,
  headers: { proof?: string; token?: number | string } = {},
): Promise<{ status: number; bytes: Uint8Array; response: Response }> {
  const h: Record<string, string> = {}
  if (headers.proof !== undefined) h['x-pixstore-proof'] = headers.proof
  if (headers.token !== undefined) h['x-pixstore-token'] = String(headers.token)
  const response = await fetch(`${routeUrl}/${encodeURIComponent(id)}`, { headers: h })
  return { status: response.status, bytes: new Uint8Array(await response.arrayBuffer()), response }
}

/**
 * Decodes a payload and decrypts it with WebCrypto as a browser front end would: Success uses the
 * record's meta, Updated the meta in the frame. Returns the format byte and image bytes.
 */
export async function browserDecrypt(
  payload: Uint8Array,
  record: ImageRecord,
): Promise<{ state: number; token: number; formatByte: number; image: Uint8Array }> {
  const decoded = decodeWirePayload(payload)
  let key: Uint8Array, iv: Uint8Array, tag: Uint8Array, token: number, ciphertext: Uint8Array
  if (decoded.state === WireState.Success) {
    key = base64ToBytes(record.meta.key)!
    iv = base64ToBytes(record.meta.iv)!
    tag = base64ToBytes(record.meta.tag)!
    token = record.token
    ciphertext = decoded.ciphertext
  } else if (decoded.state === WireState.Updated) {
    ;({ key, iv, tag, token, ciphertext } = decoded)
  } else {
    throw new Error(`no image in payload: state ${decoded.state}`)
  }
  const subtle = globalThis.crypto.subtle
  const cryptoKey = await subtle.importKey('raw', new Uint8Array(key), 'AES-GCM', false, ['decrypt'])
  const joined = new Uint8Array(ciphertext.length + tag.length)
  joined.set(ciphertext)
  joined.set(tag, ciphertext.length)
  const plain = new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv: new Uint8Array(iv), tagLength: 128 }, cryptoKey, joined))
  return { state: decoded.state, token, formatByte: plain[0]!, image: plain.subarray(1) }
}
