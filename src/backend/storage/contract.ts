// The contract every storage adapter (SQLite embedded default, PostgreSQL for scale-out) fulfils.
// The image service above it does all crypto; an adapter stores opaque bytes and guarantees:
// - atomicity: a version is stored whole or not at all (one transaction / row), never half;
// - tokens: assigned by the adapter inside the same transaction, strictly increasing per image
//   (max(previous + 1, now)), ≤ 2^53−1, even with many processes writing (order them in the database);
// - concurrent replaces of one id serialise;
// - no partial state after a failed or crashed write;
// - `info` is stored with its version (same row, same statement) and read back with it; a version
//   written without it (pixstore 3.2.1 data, rows from before the column) reads back without it;
// - variants belong to one version: insert/replace write the original and all its variants in one
//   transaction (a crash leaves the old set or the new set, never a mix), replace drops the previous
//   version's variants, delete drops them all; a variant is only ever read with its own version's token;
// - variant keys are wrapped under the row's keyId (sealed together), so keyIds/countByKeyIds cover
//   them and rewrapKeys rewraps every key of a row in one write.

import type { ImageInfo } from '../../types/index.js'

/** The sealed fields of one stored image version (the key is wrapped at rest). */
export interface VersionFields {
  /** Id of the key-wrapping key that wrapped `wrappedKey` (derived from the secret of that key id). */
  keyId: string
  /** The per-image AES key, wrapped under the key-wrapping key. Never the raw key. */
  wrappedKey: Uint8Array
  iv: Uint8Array
  tag: Uint8Array
  /** Ciphertext without the GCM tag. */
  ciphertext: Uint8Array
  /**
   * Media facts of the image (plaintext: sizes, MIME type, a blurred placeholder). Absent: the
   * version has none, and `get`/`getHead` return it without the key.
   */
  info?: ImageInfo
}

/**
 * One variant (resize preset output) of a version, sealed under its own key and IV; its key is
 * wrapped under the version's `keyId`.
 */
export interface VariantVersionInput {
  /** Preset name (`isVariantName`). Unique within a version. */
  name: string
  wrappedKey: Uint8Array
  iv: Uint8Array
  tag: Uint8Array
  /** Ciphertext without the GCM tag. */
  ciphertext: Uint8Array
  info: ImageInfo
  /** Fingerprint of the preset that made it, so a changed preset is detectable (`regenerateVariants`). */
  preset: string
}

/** A stored variant without its ciphertext (what heads carry). */
export type VariantHead = Omit<VariantVersionInput, 'ciphertext'>

/** One stored image version, as the service hands it in: the original and its variants. */
export interface ImageVersionInput extends VersionFields {
  /** At most {@link MAX_VARIANTS_PER_VERSION}, distinct names. Absent or empty: the version has none. */
  variants?: VariantVersionInput[]
}

/** Most variants one version may have (the config allows as many presets). */
export const MAX_VARIANTS_PER_VERSION = 8

/** A stored image version with the token the adapter assigned to it. */
export interface StoredImage extends VersionFields {
  id: string
  token: number
  /** The version's variants without their ciphertext, by name order; absent when it has none. */
  variants?: VariantHead[]
}

/** One variant of the current version, with everything needed to serve it. */
export interface StoredVariant {
  id: string
  /** The token of the version it belongs to (the current one when read). */
  token: number
  name: string
  /** The key id its key is wrapped under (the version's). */
  keyId: string
  wrappedKey: Uint8Array
  iv: Uint8Array
  tag: Uint8Array
  info: ImageInfo
  ciphertext: Uint8Array
}

/** What a `rewrapKeys` callback returns for one row: every key of the row, rewrapped. */
export interface RewrappedKeys {
  keyId: string
  wrappedKey: Uint8Array
  /** One entry per variant of the row (same names), else the row is refused. */
  variants?: { name: string; wrappedKey: Uint8Array }[]
}

/** The current version's metadata without its ciphertext (cheap to read). */
export type StoredImageHead = Omit<StoredImage, 'ciphertext'>

export interface StorageAdapter {
  readonly kind: string
  /** Creates schema / directories as needed; idempotent. */
  open(): Promise<void>
  /** Releases connections and handles; idempotent. */
  close(): Promise<void>
  /**
   * Stores a new image. `now` (ms) is the lower bound of its token. Rejects with a
   * `STORAGE_ERROR` PixstoreError if `id` exists, storing nothing.
   * @returns the token assigned
   */
  insert(id: string, version: ImageVersionInput, now: number): Promise<number>
  /**
   * Atomically replaces the current version of `id` (and its variants); token = max(previous + 1, now).
   * With `ifToken`, replaces only while the current token is still `ifToken` (a write in between wins).
   * @returns the new token, or `null` if `id` does not exist or its token is no longer `ifToken` (nothing stored)
   */
  replace(id: string, version: ImageVersionInput, now: number, ifToken?: number): Promise<number | null>
  get(id: string): Promise<StoredImage | null>
  /**
   * One variant of the CURRENT version of `id` (with its ciphertext), read consistently with that
   * version's token; `null` when the image does not exist or its current version has no such variant.
   */
  getVariant(id: string, name: string): Promise<StoredVariant | null>
  /**
   * Heads (no ciphertext) of the images whose id sorts after `after`, in the store's id order (its
   * index order; for ASCII ids, code-unit order), at most `limit`
   * (1..1000): a keyset page, for maintenance that walks the whole store (`regenerateVariants`).
   */
  listHeads(after: string, limit: number): Promise<StoredImageHead[]>
  /**
   * The current version without its ciphertext. An adapter may cache heads as long as a commit made
   * through another adapter (another process) is seen within one event-loop iteration; a cached head
   * older than `minToken` must never be returned (a client presented a newer token; `Infinity`
   * forces a fresh read).
   */
  getHead(id: string, minToken?: number): Promise<StoredImageHead | null>
  exists(id: string): Promise<boolean>
  /** @returns whether a row was deleted */
  delete(id: string): Promise<boolean>
  /**
   * The distinct key ids the stored images' keys are wrapped under (empty for an empty store). Init
   * checks them against the configured secrets, so it must stay cheap on a large store: it reads
   * the key-id index once per distinct id, never every row.
   */
  keyIds(): Promise<string[]>
  /** How many images have their key wrapped under one of `keyIds` (for the message when some are unknown). */
  countByKeyIds(keyIds: readonly string[]): Promise<number>
  /**
   * Rewraps keys (secret rotation): for every image whose keyId is not `currentKeyId`, calls
   * `rewrap` (the head lists its variants) and stores all the keys it returns for that row in one
   * write, only if the row still holds the same token (an update in between wins).
   * @returns how many rows were rewrapped
   */
  rewrapKeys(currentKeyId: string, rewrap: (row: StoredImageHead) => Promise<RewrappedKeys>): Promise<number>
}
