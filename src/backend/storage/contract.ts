// The contract every storage adapter (SQLite embedded default, PostgreSQL for scale-out) fulfils.
// The image service above it does all crypto; an adapter stores opaque bytes and guarantees:
// - atomicity: a version is stored whole or not at all (one transaction / row), never half;
// - tokens: assigned by the adapter inside the same transaction, strictly increasing per image
//   (max(previous + 1, now)), ≤ 2^53−1, even with many processes writing (order them in the database);
// - concurrent replaces of one id serialise;
// - no partial state after a failed or crashed write;
// - `info` is stored with its version (same row, same statement) and read back with it; a version
//   written without it (pixstore 3.2.1 data, rows from before the column) reads back without it.

import type { ImageInfo } from '../../types/index.js'

/** One stored image version, as the service hands it in (the key is wrapped at rest). */
export interface ImageVersionInput {
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

/** A stored image version with the token the adapter assigned to it. */
export interface StoredImage extends ImageVersionInput {
  id: string
  token: number
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
   * Atomically replaces the current version of `id`; token = max(previous + 1, now).
   * @returns the new token, or `null` if `id` does not exist (nothing stored)
   */
  replace(id: string, version: ImageVersionInput, now: number): Promise<number | null>
  get(id: string): Promise<StoredImage | null>
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
   * `rewrap` and stores the result only if the row still holds the same token (an update in between wins).
   * @returns how many rows were rewrapped
   */
  rewrapKeys(
    currentKeyId: string,
    rewrap: (row: StoredImageHead) => Promise<{ keyId: string; wrappedKey: Uint8Array }>,
  ): Promise<number>
}
