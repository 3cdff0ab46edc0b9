// The argument check every adapter runs before a write (insert, replace), so SQLite and PostgreSQL
// refuse the same inputs with the same codes and store nothing: an id the database cannot hold, a
// version missing a field, a clock reading that is not a usable token floor.
import { PixstoreError } from '../../shared/errors.js'
import { MAX_TOKEN } from '../../shared/protocol.js'
import type { ImageVersionInput, RewrappedKeys, StoredImageHead } from './contract.js'

const isBytes = (b: unknown): b is Uint8Array => b instanceof Uint8Array

/**
 * Checks the arguments of `insert` / `replace` and returns `now` floored (clocks built on
 * `performance.now()` give fractions; tokens are integers). Throws `IMAGE_ID_INVALID` for an empty,
 * non-string or NUL-holding id (PostgreSQL text cannot hold NUL, so neither adapter accepts it),
 * `ARGUMENT_INVALID` for a malformed version, `now` or `ifToken`.
 *
 * @example
 * ```ts
 * const floor = checkWrite(id, version, now) // before any statement runs
 * ```
 */
export function checkWrite(id: unknown, version: unknown, now: unknown, ifToken?: unknown): number {
  if (typeof id !== 'string' || id === '' || id.includes('\0')) {
    throw new PixstoreError('IMAGE_ID_INVALID', 'image id must be a non-empty string without NUL')
  }
  const v = version as Partial<ImageVersionInput> | null
  if (typeof v !== 'object' || v === null || typeof v.keyId !== 'string' || v.keyId === '' ||
    !isBytes(v.wrappedKey) || !isBytes(v.iv) || !isBytes(v.tag) || !isBytes(v.ciphertext)) {
    throw new PixstoreError('ARGUMENT_INVALID', 'image version needs keyId (string) and wrappedKey, iv, tag, ciphertext (Uint8Array)')
  }
  if (typeof now !== 'number' || !Number.isFinite(now) || now < 0) {
    throw new PixstoreError('ARGUMENT_INVALID', 'now must be a finite, non-negative number of milliseconds')
  }
  if (ifToken !== undefined && (typeof ifToken !== 'number' || !Number.isSafeInteger(ifToken) || ifToken < 0)) {
    throw new PixstoreError('ARGUMENT_INVALID', 'ifToken must be a token (a non-negative safe integer)')
  }
  const floor = Math.floor(now)
  if (floor > MAX_TOKEN) throw new PixstoreError('ARGUMENT_INVALID', 'now is above 2^53−1, the largest token; nothing was stored')
  return floor
}

/**
 * Checks what a `rewrapKeys` callback returned for `row` before it is stored: a key id, the wrapped
 * key, and exactly one rewrapped key per variant of the row. Else `ARGUMENT_INVALID` (nothing stored
 * for that row): a row half rewrapped would have keys under two secrets.
 *
 * @example
 * ```ts
 * const next = checkRewrap(await rewrap(head), head)
 * ```
 */
export function checkRewrap(next: unknown, row: Pick<StoredImageHead, 'variants'>): Required<RewrappedKeys> {
  const n = next as { keyId?: unknown; wrappedKey?: unknown; variants?: unknown } | null
  if (typeof n !== 'object' || n === null || typeof n.keyId !== 'string' || n.keyId === '' || !isBytes(n.wrappedKey)) {
    throw new PixstoreError('ARGUMENT_INVALID', 'rewrap must return { keyId: string, wrappedKey: Uint8Array, variants? }')
  }
  const wanted = (row.variants ?? []).map((v) => v.name)
  const given = n.variants === undefined ? [] : n.variants
  const names = Array.isArray(given) ? given.map((v: { name?: unknown } | null) => (typeof v === 'object' && v !== null ? v.name : undefined)) : null
  const ok = names !== null && names.length === wanted.length && wanted.every((name) => names.includes(name)) &&
    (given as { wrappedKey?: unknown }[]).every((v) => isBytes(v.wrappedKey))
  if (!ok) {
    throw new PixstoreError('ARGUMENT_INVALID', 'rewrap must return one { name, wrappedKey } per variant of the row, so all its keys move together')
  }
  const variants = (given as { name: string; wrappedKey: Uint8Array }[]).map((v) => ({ name: v.name, wrappedKey: v.wrappedKey }))
  return { keyId: n.keyId, wrappedKey: n.wrappedKey, variants }
}

/** `currentKeyId` of `rewrapKeys`: a non-empty string, else `ARGUMENT_INVALID`. */
export function checkKeyId(keyId: unknown): string {
  if (typeof keyId !== 'string' || keyId === '') throw new PixstoreError('ARGUMENT_INVALID', 'rewrapKeys needs the current key id (a non-empty string)')
  return keyId
}

/** Most heads one `listHeads` page returns. */
export const MAX_LIST_PAGE = 1000

/** The arguments of `listHeads`: `after` a string, `limit` 1..1000, else `ARGUMENT_INVALID`. */
export function checkListPage(after: unknown, limit: unknown): void {
  if (typeof after !== 'string' || typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST_PAGE) {
    throw new PixstoreError('ARGUMENT_INVALID', `listHeads needs after (a string, '' for the start) and limit (1 to ${MAX_LIST_PAGE})`)
  }
}
