// The persistent tier behind getImage. It holds ciphertext and the token it belongs to, never a key
// and never plaintext, so a stolen cache reveals nothing without the records the application hands out.

/**
 * One cached image version. `ciphertext` holds the GCM ciphertext in its first `size` bytes; entries
 * this version writes keep the 16-byte tag after it (the buffer WebCrypto decrypted, stored without a
 * second copy), entries adopted or written before hold the ciphertext alone. The tag is no secret.
 * The IndexedDB store keeps large ciphertexts as a Blob of those same bytes (see BLOB_VALUE_MIN_BYTES);
 * the memory store and the write queue always hold ArrayBuffers.
 */
export interface CachedImage {
  /** The cache slot: the image id for its original, `${id}@${variant}` for a variant (image-target.ts). */
  id: string
  token: number
  ciphertext: ArrayBuffer | Blob
  /** Ciphertext bytes (what the limits count), without the tag. */
  size: number
  lastUsed: number
}

export interface CacheTotals {
  entries: number
  bytes: number
}

/**
 * What the IndexedDB store and the in-memory fallback both provide. Every method is one short
 * transaction: callers never hold a transaction open across a fetch or a decryption.
 */
export interface CacheStore {
  readonly kind: 'indexeddb' | 'memory'
  /** False once the browser or another tab closed the connection (deleted or upgraded the database). */
  isOpen(): boolean
  /**
   * A synchronous hint: false means "certainly not cached by this page", so a miss skips the read.
   * It can be wrong only towards false for entries another tab wrote since this one opened, which
   * costs one network request, never a wrong image.
   */
  mayHave(id: string): boolean
  /** Reads of one tick share one readonly transaction (IndexedDB), resolving together once all are in. */
  get(id: string): Promise<CachedImage | undefined>
  /**
   * Writes `entry` into its id's one slot; returns the new totals, or null when skipped. `proven`:
   * the entry decrypted under the key of the record the application holds (a Success answer), so it
   * replaces whatever the slot holds, even a higher token (a bogus `Updated` must not lock the slot).
   * Otherwise (an `Updated` version, proven only by its own frame key) it replaces an older token only.
   */
  put(entry: CachedImage, proven: boolean): Promise<CacheTotals | null>
  /**
   * Several puts in one transaction (the write queue's flush); the totals after all of them. A
   * failure (quota) writes none of them.
   */
  putMany(writes: readonly { entry: CachedImage; proven: boolean }[]): Promise<CacheTotals | null>
  /** Sets `lastUsed` when the stored version is still `token`. */
  touch(id: string, token: number, lastUsed: number): Promise<void>
  /** Several touches in one transaction. */
  touchMany(touches: readonly { id: string; token: number; lastUsed: number }[]): Promise<void>
  /** Deletes one slot. */
  delete(id: string): Promise<void>
  /** Deletes `id`'s original and all of its variants, in one transaction. */
  deleteImage(id: string): Promise<void>
  has(id: string): Promise<boolean>
  clear(): Promise<void>
  totals(): Promise<CacheTotals>
  /** Deletes least recently used entries until both limits hold; returns how many it deleted. */
  evict(limits: { maxEntries: number; maxBytes: number; batch: number }): Promise<number>
  close(): void
}

/** True for the error a browser raises when the origin's storage quota is exhausted. */
export function isQuotaError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED'
}
