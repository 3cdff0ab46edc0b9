// Wire codec core (ARCHITECTURE.md §2, §7), compiled by asc with the stub runtime: no allocation at all.
// JS copies at most the first 9 bytes of a frame (state + token) into the fixed scratch region,
// makes ONE call, and builds its views into the caller's own buffer from the result, so the
// cost of a call never depends on the ciphertext size.
//
// Status values are negative f64 so one return value carries either a result or an error:
// keep them in sync with src/codec/wire-checks.ts.

const ERR_EMPTY: f64 = -1;
const ERR_UNKNOWN_STATE: f64 = -2;
const ERR_TRUNCATED: f64 = -3;
const ERR_TRAILING_BYTES: f64 = -4;
const ERR_TOKEN_RANGE: f64 = -5;
const ERR_BATCH_MAGIC: f64 = -6;
const ERR_BATCH_VERSION: f64 = -7;
const ERR_BATCH_COUNT: f64 = -8;
const ERR_BATCH_ZERO_LENGTH: f64 = -9;
const ERR_BATCH_SUM: f64 = -10;

const STATE_SUCCESS: u8 = 0;
const STATE_UPDATED: u8 = 1;
const STATE_LAST: u8 = 6;
const UPDATED_HEADER_LENGTH: f64 = 69;
// 2^53 - 1: tokens must stay exact in a JS number.
const MAX_TOKEN: u64 = 0x1f_ffff_ffff_ffff;

// The scratch region: static, reserved by the compiler, never moved. Memory is capped at one page
// (asconfig.json), so it cannot grow and the JS views on it cannot go stale.
const SCRATCH_SIZE: i32 = 32768;
const SCRATCH: usize = memory.data(SCRATCH_SIZE, 16);
// encodeBatchHeader reads the frame lengths as f64 from here (past the largest directory, 4 + 4 * 256
// bytes, and 16-aligned) and writes the directory at the start of the scratch.
const BATCH_LENGTHS: usize = SCRATCH + 1040;
const BATCH_MAGIC: u8 = 0xba;
const BATCH_VERSION: u8 = 1;
const MAX_BATCH_ITEMS: i32 = 256;
const MAX_FRAME_LENGTH: f64 = 4294967295;
// constantTimeDiff compares the lower half of the scratch with the upper half.
const HALF: i32 = SCRATCH_SIZE >> 1;

/** Byte offset of the scratch region in the exported memory. */
export function scratchOffset(): usize {
  return SCRATCH;
}

/** Size of the scratch region in bytes. */
export function scratchSize(): i32 {
  return SCRATCH_SIZE;
}

/**
 * Validates a frame of `length` bytes whose first min(length, 9) bytes are in the scratch.
 * Returns the token for an Updated frame, the state for any other valid frame, or an ERR_* status.
 */
export function decodeFrame(length: f64): f64 {
  if (!(length >= 1)) return ERR_EMPTY;
  const state = load<u8>(SCRATCH);
  if (state == STATE_SUCCESS) return 0;
  if (state == STATE_UPDATED) {
    if (length < UPDATED_HEADER_LENGTH) return ERR_TRUNCATED;
    const token = load<u64>(SCRATCH, 1);
    if (token > MAX_TOKEN) return ERR_TOKEN_RANGE;
    return <f64>token;
  }
  if (state <= STATE_LAST) {
    if (length != 1) return ERR_TRAILING_BYTES;
    return <f64>state;
  }
  return ERR_UNKNOWN_STATE;
}

function isToken(token: f64): bool {
  // NaN fails both comparisons; the trunc check rejects fractions and keeps the u64 cast exact.
  return token >= 0 && token <= <f64>MAX_TOKEN && trunc<f64>(token) == token;
}

/** Writes `[1][token u64 LE]` (the first 9 header bytes) into the scratch; 0 or ERR_TOKEN_RANGE. */
export function encodeToken(token: f64): f64 {
  if (!isToken(token)) return ERR_TOKEN_RANGE;
  store<u8>(SCRATCH, STATE_UPDATED);
  store<u64>(SCRATCH, <u64>token, 1);
  return 0;
}

/** 1 when both are valid tokens and equal, else 0. */
export function tokensEqual(a: f64, b: f64): i32 {
  return i32(isToken(a) && isToken(b) && a == b);
}

/**
 * ORs into `acc` the differences between scratch[0..length) and scratch[HALF..HALF+length).
 * No branch depends on the data, so the time depends on `length` only.
 */
export function constantTimeDiff(length: i32, acc: i32): i32 {
  if (length < 0 || length > HALF) return -1;
  let diff: u64 = 0;
  let i: i32 = 0;
  for (; i + 8 <= length; i += 8) {
    diff |= load<u64>(SCRATCH + i) ^ load<u64>(SCRATCH + HALF + i);
  }
  for (; i < length; i++) {
    diff |= <u64>(load<u8>(SCRATCH + i) ^ load<u8>(SCRATCH + HALF + i));
  }
  // The inputs are MACs: leave no copy of them behind in the scratch.
  memory.fill(SCRATCH, 0, <usize>length);
  memory.fill(SCRATCH + HALF, 0, <usize>length);
  return acc | i32(diff != 0);
}

/**
 * Checks a batch container of `length` bytes whose directory (its first min(length, 4 + 4 * count)
 * bytes) is in the scratch: magic, version, 1 <= count <= 256, every length >= 1, and the lengths
 * adding up to exactly the bytes after the directory. Returns the count, or an ERR_* status.
 */
export function checkBatch(length: f64): f64 {
  if (!(length >= 1)) return ERR_EMPTY;
  if (load<u8>(SCRATCH) != BATCH_MAGIC) return ERR_BATCH_MAGIC;
  if (length >= 2 && load<u8>(SCRATCH, 1) != BATCH_VERSION) return ERR_BATCH_VERSION;
  if (length < 4) return ERR_TRUNCATED;
  const count = <i32>load<u16>(SCRATCH, 2);
  if (count < 1 || count > MAX_BATCH_ITEMS) return ERR_BATCH_COUNT;
  const directory = <f64>(4 + 4 * count);
  if (length < directory) return ERR_TRUNCATED;
  let sum: u64 = 0;
  let zero = false;
  for (let i = 0; i < count; i++) {
    const n = load<u32>(SCRATCH + 4 + (<usize>i << 2));
    zero = zero || n == 0;
    sum += <u64>n;
  }
  if (zero) return ERR_BATCH_ZERO_LENGTH;
  if (<f64>sum != length - directory) return ERR_BATCH_SUM;
  return <f64>count;
}

/**
 * Writes the directory of a container of `count` frames whose lengths (f64) are at BATCH_LENGTHS
 * into the scratch. Returns its byte length, or -1 if the count or a length is out of range.
 */
export function encodeBatchHeader(count: i32): i32 {
  if (count < 1 || count > MAX_BATCH_ITEMS) return -1;
  for (let i = 0; i < count; i++) {
    const n = load<f64>(BATCH_LENGTHS + (<usize>i << 3));
    if (!(n >= 1 && n <= MAX_FRAME_LENGTH && trunc<f64>(n) == n)) return -1;
    store<u32>(SCRATCH + 4 + (<usize>i << 2), <u32>n);
  }
  store<u8>(SCRATCH, BATCH_MAGIC);
  store<u8>(SCRATCH, BATCH_VERSION, 1);
  store<u16>(SCRATCH, <u16>count, 2);
  return 4 + 4 * count;
}
