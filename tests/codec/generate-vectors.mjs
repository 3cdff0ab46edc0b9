// Writes tests/fixtures/wire-vectors.json: wire format v1 conformance vectors (ARCHITECTURE.md §2), built
// byte by byte from the layout table here, independently of src/codec, so a codec bug cannot
// write its own expectations. Run: node tests/codec/generate-vectors.mjs
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const hex = (bytes) => Buffer.from(bytes).toString('hex')
const range = (start, count) => Array.from({ length: count }, (_, i) => (start + i) & 0xff)
// Distinct byte patterns per field, so a field read from the wrong offset shows.
const KEY = range(0x10, 32)
const IV = range(0x40, 12)
const TAG = range(0x60, 16)

/** u64 little-endian from a BigInt, written out by hand. */
function u64le(value) {
  const out = []
  for (let i = 0n; i < 8n; i++) out.push(Number((value >> (8n * i)) & 0xffn))
  return out
}

const updated = (token, ciphertext, tokenBytes = u64le(BigInt(token))) => [1, ...tokenBytes, ...KEY, ...IV, ...TAG, ...ciphertext]
const updatedPayload = (token, ciphertext) => ({
  state: 1,
  token,
  key: hex(KEY),
  iv: hex(IV),
  tag: hex(TAG),
  ciphertext: hex(ciphertext),
})

const valid = [
  { name: 'Success, frame of 1 byte (empty ciphertext)', frame: [0], payload: { state: 0, ciphertext: '' } },
  { name: 'Success, ciphertext of 1 byte', frame: [0, 0xab], payload: { state: 0, ciphertext: 'ab' } },
  { name: 'Success, frame of 68 bytes', frame: [0, ...range(0x80, 67)], payload: { state: 0, ciphertext: hex(range(0x80, 67)) } },
  { name: 'Success, frame of 69 bytes', frame: [0, ...range(0x81, 68)], payload: { state: 0, ciphertext: hex(range(0x81, 68)) } },
  { name: 'Success, frame of 70 bytes', frame: [0, ...range(0x82, 69)], payload: { state: 0, ciphertext: hex(range(0x82, 69)) } },
  { name: 'Updated, frame of 69 bytes (empty ciphertext), token 0', frame: updated(0, []), payload: updatedPayload(0, []) },
  { name: 'Updated, frame of 70 bytes (ciphertext of 1 byte)', frame: updated(1, [0xcd]), payload: updatedPayload(1, [0xcd]) },
  { name: 'Updated, token 2^32-1', frame: updated(2 ** 32 - 1, [1, 2]), payload: updatedPayload(2 ** 32 - 1, [1, 2]) },
  { name: 'Updated, token 2^32', frame: updated(2 ** 32, [3]), payload: updatedPayload(2 ** 32, [3]) },
  {
    name: 'Updated, token bytes 01..07 (byte order)',
    frame: updated(0x0007060504030201, [9], [1, 2, 3, 4, 5, 6, 7, 0]),
    payload: updatedPayload(0x0007060504030201, [9]),
  },
  { name: 'Updated, token 2^53-1', frame: updated(2 ** 53 - 1, range(0, 5)), payload: updatedPayload(2 ** 53 - 1, range(0, 5)) },
  { name: 'Updated, a millisecond timestamp token (as pixstore 3.2.1 issues)', frame: updated(1764460800123, [7, 7]), payload: updatedPayload(1764460800123, [7, 7]) },
  ...[2, 3, 4, 5, 6].map((state) => ({ name: `state ${state}, frame of 1 byte`, frame: [state], payload: { state } })),
]

const invalid = [
  { name: 'frame of 0 bytes', frame: [], code: 'WIRE_EMPTY' },
  { name: 'Updated, frame of 1 byte', frame: [1], code: 'WIRE_TRUNCATED' },
  { name: 'Updated, frame of 9 bytes (token only)', frame: [1, ...u64le(5n)], code: 'WIRE_TRUNCATED' },
  { name: 'Updated, frame of 68 bytes', frame: updated(5, []).slice(0, 68), code: 'WIRE_TRUNCATED' },
  { name: 'Updated, token 2^53', frame: updated(0, [1], u64le(2n ** 53n)), code: 'WIRE_TOKEN_RANGE' },
  { name: 'Updated, token 2^53+1', frame: updated(0, [1], u64le(2n ** 53n + 1n)), code: 'WIRE_TOKEN_RANGE' },
  { name: 'Updated, token 2^63', frame: updated(0, [], u64le(2n ** 63n)), code: 'WIRE_TOKEN_RANGE' },
  { name: 'Updated, token 2^64-1', frame: updated(0, [1], u64le(2n ** 64n - 1n)), code: 'WIRE_TOKEN_RANGE' },
  { name: 'state 2 with 1 trailing byte', frame: [2, 0], code: 'WIRE_TRAILING_BYTES' },
  { name: 'state 6 with 1 trailing byte', frame: [6, 0xff], code: 'WIRE_TRAILING_BYTES' },
  { name: 'state 3, frame of 68 bytes', frame: [3, ...range(0, 67)], code: 'WIRE_TRAILING_BYTES' },
  { name: 'state 4, frame of 69 bytes', frame: [4, ...range(0, 68)], code: 'WIRE_TRAILING_BYTES' },
  { name: 'state 5, frame of 70 bytes', frame: [5, ...range(0, 69)], code: 'WIRE_TRAILING_BYTES' },
  { name: 'state 7, frame of 1 byte', frame: [7], code: 'WIRE_UNKNOWN_STATE' },
  { name: 'state 0x80, frame of 70 bytes', frame: [0x80, ...range(0, 69)], code: 'WIRE_UNKNOWN_STATE' },
  { name: 'state 0xff, frame of 69 bytes', frame: [0xff, ...range(1, 68)], code: 'WIRE_UNKNOWN_STATE' },
]

const okField = { key: hex(KEY), iv: hex(IV), tag: hex(TAG), ciphertext: '00' }
const encodeInvalid = [
  { name: 'token 2^53', payload: { state: 1, ...okField, token: 2 ** 53 }, code: 'WIRE_TOKEN_RANGE' },
  { name: 'token 2^64 (as a double)', payload: { state: 1, ...okField, token: 2 ** 64 }, code: 'WIRE_TOKEN_RANGE' },
  { name: 'token -1', payload: { state: 1, ...okField, token: -1 }, code: 'WIRE_TOKEN_RANGE' },
  { name: 'token 1.5', payload: { state: 1, ...okField, token: 1.5 }, code: 'WIRE_TOKEN_RANGE' },
  { name: 'key of 31 bytes', payload: { state: 1, ...okField, token: 1, key: hex(KEY.slice(1)) }, code: 'WIRE_FIELD_LENGTH' },
  { name: 'iv of 13 bytes', payload: { state: 1, ...okField, token: 1, iv: hex([...IV, 0]) }, code: 'WIRE_FIELD_LENGTH' },
  { name: 'tag of 0 bytes', payload: { state: 1, ...okField, token: 1, tag: '' }, code: 'WIRE_FIELD_LENGTH' },
  { name: 'state 7', payload: { state: 7 }, code: 'WIRE_UNKNOWN_STATE' },
  { name: 'state -1', payload: { state: -1 }, code: 'WIRE_UNKNOWN_STATE' },
]

// Batch container: [0xBA][1][count u16 LE][len_i u32 LE]...[frame_i]..., every frame a v1 frame.
const u16le = (n) => [n & 0xff, n >> 8]
const u32le = (n) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff]
const container = (frames, { magic = 0xba, version = 1, count = frames.length, lengths = frames.map((f) => f.length) } = {}) => [
  magic,
  version,
  ...u16le(count),
  ...lengths.flatMap(u32le),
  ...frames.flat(),
]
const frameOf = (v) => valid.find((x) => x.name === v).frame
const SUCCESS_1 = frameOf('Success, ciphertext of 1 byte')
const UPDATED_70 = frameOf('Updated, frame of 70 bytes (ciphertext of 1 byte)')
const NOT_FOUND = [2]
const payloadOf = (frame) => valid.find((x) => hex(x.frame) === hex(frame)).payload
const batchValid = [
  ['one Success frame', [SUCCESS_1]],
  ['one Updated frame', [UPDATED_70]],
  ['Success, Updated, NotFound in that order', [SUCCESS_1, UPDATED_70, NOT_FOUND]],
  ['every error state', [[2], [3], [4], [5], [6]]],
  ['256 one-byte frames (the most a container carries)', Array.from({ length: 256 }, (_, i) => [2 + (i % 5)])],
].map(([name, frames]) => ({ name, container: container(frames), payloads: frames.map(payloadOf) }))

const many = (n) => Array.from({ length: n }, () => [2])
const batchInvalid = [
  ['empty', [], 'WIRE_EMPTY'],
  ['bad magic (a v1 Success frame)', [0, 1, 2, 3], 'WIRE_BATCH_VERSION'],
  ['bad magic 0xbb', container([NOT_FOUND], { magic: 0xbb }), 'WIRE_BATCH_VERSION'],
  ['version 0', container([NOT_FOUND], { version: 0 }), 'WIRE_BATCH_VERSION'],
  ['version 2', container([NOT_FOUND], { version: 2 }), 'WIRE_BATCH_VERSION'],
  ['magic only', [0xba], 'WIRE_TRUNCATED'],
  ['head of 3 bytes', [0xba, 1, 1], 'WIRE_TRUNCATED'],
  ['count 0', [0xba, 1, 0, 0], 'WIRE_BATCH_COUNT'],
  ['count 257', container(many(257)), 'WIRE_BATCH_COUNT'],
  ['count 65535, no directory', [0xba, 1, 0xff, 0xff], 'WIRE_BATCH_COUNT'],
  ['directory truncated (count 2, one length)', [0xba, 1, 2, 0, ...u32le(1)], 'WIRE_TRUNCATED'],
  ['directory truncated mid-length', [0xba, 1, 1, 0, 1, 0], 'WIRE_TRUNCATED'],
  ['lengths add up to less than the bytes (trailing byte)', [...container([NOT_FOUND]), 2], 'WIRE_BATCH_LENGTHS'],
  ['lengths add up to more than the bytes', container([NOT_FOUND], { lengths: [2] }), 'WIRE_BATCH_LENGTHS'],
  ['no frame bytes after the directory', [0xba, 1, 1, 0, ...u32le(1)], 'WIRE_BATCH_LENGTHS'],
  ['lengths overlapping (first claims the second)', container([NOT_FOUND, NOT_FOUND], { lengths: [2, 1] }), 'WIRE_BATCH_LENGTHS'],
  ['a length of 2^32-1', container([NOT_FOUND], { lengths: [0xffffffff] }), 'WIRE_BATCH_LENGTHS'],
  ['a zero-length item', container([NOT_FOUND, [], NOT_FOUND]), 'WIRE_BATCH_LENGTHS'],
  ['an item that is a truncated Updated frame', container([NOT_FOUND, UPDATED_70.slice(0, 68)]), 'WIRE_TRUNCATED'],
  ['an item with an unknown state', container([[7]]), 'WIRE_UNKNOWN_STATE'],
  ['an item with trailing bytes', container([[2, 0]]), 'WIRE_TRAILING_BYTES'],
  ['an item that is itself a container', container([container([NOT_FOUND])]), 'WIRE_UNKNOWN_STATE'],
].map(([name, bytes, code]) => ({ name, container: bytes, code }))

const vectors = {
  description:
    'Pixstore wire format v1 (byte-compatible with pixstore 3.2.1). Frames and byte fields are hex. ' +
    'valid: frame <-> payload both ways; invalid: decoding must fail with `code`; encodeInvalid: encoding must fail with `code`. ' +
    'batchValid: batch container <-> payloads (decodeBatch, and encodeBatch of the frames); batchInvalid: decodeBatch must fail with `code`. ' +
    'The 8 MiB ciphertext vector is generated in tests/codec/conformance.test.ts.',
  generatedBy: 'tests/codec/generate-vectors.mjs',
  valid: valid.map(({ name, frame, payload }) => ({ name, length: frame.length, frame: hex(frame), payload })),
  invalid: invalid.map(({ name, frame, code }) => ({ name, length: frame.length, frame: hex(frame), code })),
  encodeInvalid,
  batchValid: batchValid.map(({ name, container, payloads }) => ({ name, length: container.length, container: hex(container), payloads })),
  batchInvalid: batchInvalid.map(({ name, container, code }) => ({ name, length: container.length, container: hex(container), code })),
}

// `--out FILE` writes elsewhere (the conformance test regenerates and compares).
const outFlag = process.argv.indexOf('--out')
const out = outFlag === -1 ? fileURLToPath(new URL('../fixtures/wire-vectors.json', import.meta.url)) : process.argv[outFlag + 1]
writeFileSync(out, JSON.stringify(vectors, null, 2) + '\n')
console.log(`${vectors.batchValid.length} batch valid, ${vectors.batchInvalid.length} batch invalid, ${vectors.valid.length} valid, ${vectors.invalid.length} invalid, ${encodeInvalid.length} encode-invalid -> ${out}`)
