// The argument check every adapter runs before a write (insert, replace), so SQLite and PostgreSQL
// refuse the same inputs with the same codes and store nothing: an id the database cannot hold, a
// version missing a field, a clock reading that is not a usable token floor.
import { PixstoreError } from '../../shared/errors.js'
import { MAX_TOKEN } from '../../shared/protocol.js'
import type { ImageVersionInput } from './contract.js'

/**
 * Checks the arguments of `insert` / `replace` and returns `now` floored (clocks built on
 * `performance.now()` give fractions; tokens are integers). Throws `IMAGE_ID_INVALID` for an empty,
 * non-string or NUL-holding id (PostgreSQL text cannot hold NUL, so neither adapter accepts it),
 * `ARGUMENT_INVALID` for a malformed version or `now`.
 *
 * @example
 * ```ts
 * const floor = checkWrite(id, version, now) // before any statement runs
 * ```
 */
export function checkWrite(id: unknown, version: unknown, now: unknown): number {
  if (typeof id !== 'string' || id === '' || id.includes('\0')) {
    throw new PixstoreError('IMAGE_ID_INVALID', 'image id must be a non-empty string without NUL')
  }
  const v = version as Partial<ImageVersionInput> | null
  const isBytes = (b: unknown) => b instanceof Uint8Array
  if (typeof v !== 'object' || v === null || typeof v.keyId !== 'string' || v.keyId === '' ||
    !isBytes(v.wrappedKey) || !isBytes(v.iv) || !isBytes(v.tag) || !isBytes(v.ciphertext)) {
    throw new PixstoreError('ARGUMENT_INVALID', 'image version needs keyId (string) and wrappedKey, iv, tag, ciphertext (Uint8Array)')
  }
  if (typeof now !== 'number' || !Number.isFinite(now) || now < 0) {
    throw new PixstoreError('ARGUMENT_INVALID', 'now must be a finite, non-negative number of milliseconds')
  }
  const floor = Math.floor(now)
  if (floor > MAX_TOKEN) throw new PixstoreError('ARGUMENT_INVALID', 'now is above 2^53−1, the largest token; nothing was stored')
  return floor
}

/**
 * Checks what a `rewrapKeys` callback returned before it is stored: a non-empty key id and the
 * wrapped key as bytes, else `ARGUMENT_INVALID` (nothing stored for that row).
 *
 * @example
 * ```ts
 * const next = checkRewrap(await rewrap(head))
 * ```
 */
export function checkRewrap(next: unknown): { keyId: string; wrappedKey: Uint8Array } {
  const n = next as { keyId?: unknown; wrappedKey?: unknown } | null
  if (typeof n !== 'object' || n === null || typeof n.keyId !== 'string' || n.keyId === '' || !(n.wrappedKey instanceof Uint8Array)) {
    throw new PixstoreError('ARGUMENT_INVALID', 'rewrap must return { keyId: string, wrappedKey: Uint8Array }')
  }
  return { keyId: n.keyId, wrappedKey: n.wrappedKey }
}

/** `currentKeyId` of `rewrapKeys`: a non-empty string, else `ARGUMENT_INVALID`. */
export function checkKeyId(keyId: unknown): string {
  if (typeof keyId !== 'string' || keyId === '') throw new PixstoreError('ARGUMENT_INVALID', 'rewrapKeys needs the current key id (a non-empty string)')
  return keyId
}
