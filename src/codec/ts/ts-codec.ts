import { PixstoreError } from '../../shared/errors.js'
import { WireState, type WirePayload } from '../../types/index.js'
import {
  IV_LENGTH,
  KEY_LENGTH,
  MAX_TOKEN,
  TAG_LENGTH,
  UPDATED_HEADER_LENGTH,
  type UpdatedHeader,
  type WireCodec,
} from '../contract.js'

// Pure-TypeScript twin of the WASM codec. Initial version; the codec owner refines it.

const TWO_32 = 0x1_0000_0000

function requireBytes(bytes: unknown): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    throw new PixstoreError('WIRE_INVALID_INPUT', 'wire payload must be a Uint8Array')
  }
}

function decode(bytes: Uint8Array): WirePayload {
  requireBytes(bytes)
  const length = bytes.length
  if (length === 0) throw new PixstoreError('WIRE_EMPTY', 'wire payload is empty')
  const state = bytes[0]!
  if (state === WireState.Success) {
    return { state, ciphertext: bytes.subarray(1) }
  }
  if (state === WireState.Updated) {
    if (length < UPDATED_HEADER_LENGTH) {
      throw new PixstoreError(
        'WIRE_TRUNCATED',
        `Updated frame needs a ${UPDATED_HEADER_LENGTH}-byte header, got ${length} bytes`,
      )
    }
    const lo = bytes[1]! | (bytes[2]! << 8) | (bytes[3]! << 16) | (bytes[4]! << 24)
    const hi = bytes[5]! | (bytes[6]! << 8) | (bytes[7]! << 16) | (bytes[8]! << 24)
    if (hi >>> 0 > 0x1f_ffff) {
      throw new PixstoreError('WIRE_TOKEN_RANGE', 'Updated frame token is above 2^53-1')
    }
    const token = (hi >>> 0) * TWO_32 + (lo >>> 0)
    return {
      state,
      token,
      key: bytes.subarray(9, 41),
      iv: bytes.subarray(41, 53),
      tag: bytes.subarray(53, 69),
      ciphertext: bytes.subarray(69),
    }
  }
  if (state <= WireState.InternalError) {
    if (length !== 1) {
      throw new PixstoreError('WIRE_TRAILING_BYTES', `state ${state} frame must be 1 byte, got ${length}`)
    }
    return { state } as WirePayload
  }
  throw new PixstoreError('WIRE_UNKNOWN_STATE', `unknown wire state ${state}`)
}

function checkHeader(header: UpdatedHeader): void {
  const { token, key, iv, tag } = header
  if (!Number.isSafeInteger(token) || token < 0 || token > MAX_TOKEN) {
    throw new PixstoreError('WIRE_TOKEN_RANGE', 'token must be an integer from 0 to 2^53-1')
  }
  if (!(key instanceof Uint8Array) || key.length !== KEY_LENGTH) {
    throw new PixstoreError('WIRE_FIELD_LENGTH', `key must be ${KEY_LENGTH} bytes`)
  }
  if (!(iv instanceof Uint8Array) || iv.length !== IV_LENGTH) {
    throw new PixstoreError('WIRE_FIELD_LENGTH', `iv must be ${IV_LENGTH} bytes`)
  }
  if (!(tag instanceof Uint8Array) || tag.length !== TAG_LENGTH) {
    throw new PixstoreError('WIRE_FIELD_LENGTH', `tag must be ${TAG_LENGTH} bytes`)
  }
}

function writeUpdatedHeader(frame: Uint8Array, header: UpdatedHeader): void {
  const { token, key, iv, tag } = header
  frame[0] = WireState.Updated
  const lo = token % TWO_32
  const hi = (token - lo) / TWO_32
  frame[1] = lo & 0xff
  frame[2] = (lo >>> 8) & 0xff
  frame[3] = (lo >>> 16) & 0xff
  frame[4] = lo >>> 24
  frame[5] = hi & 0xff
  frame[6] = (hi >>> 8) & 0xff
  frame[7] = (hi >>> 16) & 0xff
  frame[8] = 0
  frame.set(key, 9)
  frame.set(iv, 41)
  frame.set(tag, 53)
}

function createFrame(header: UpdatedHeader | null, ciphertextLength: number) {
  if (!Number.isSafeInteger(ciphertextLength) || ciphertextLength < 0) {
    throw new PixstoreError('WIRE_INVALID_INPUT', 'ciphertext length must be a non-negative integer')
  }
  if (header === null) {
    const frame = new Uint8Array(1 + ciphertextLength)
    return { frame, body: frame.subarray(1) }
  }
  checkHeader(header)
  const frame = new Uint8Array(UPDATED_HEADER_LENGTH + ciphertextLength)
  writeUpdatedHeader(frame, header)
  return { frame, body: frame.subarray(UPDATED_HEADER_LENGTH) }
}

function encode(payload: WirePayload): Uint8Array {
  if (payload === null || typeof payload !== 'object') {
    throw new PixstoreError('WIRE_INVALID_INPUT', 'wire payload must be an object with a state')
  }
  switch (payload.state) {
    case WireState.Success: {
      requireBytes(payload.ciphertext)
      const { frame, body } = createFrame(null, payload.ciphertext.length)
      body.set(payload.ciphertext)
      return frame
    }
    case WireState.Updated: {
      requireBytes(payload.ciphertext)
      const { frame, body } = createFrame(payload, payload.ciphertext.length)
      body.set(payload.ciphertext)
      return frame
    }
    case WireState.NotFound:
    case WireState.MissingID:
    case WireState.MissingProof:
    case WireState.InvalidProof:
    case WireState.InternalError:
      return Uint8Array.of(payload.state)
    default:
      throw new PixstoreError('WIRE_UNKNOWN_STATE', `unknown wire state ${String((payload as { state: unknown }).state)}`)
  }
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array)) return false
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}

export const tsCodec: WireCodec = {
  kind: 'ts',
  encodeWirePayload: encode,
  decodeWirePayload: decode,
  createFrame,
  tokensEqual: (a, b) => Number.isSafeInteger(a) && a === b,
  constantTimeEqual,
}
