/** Where a getImage result came from. */
export type ImageSource = 'hot' | 'indexeddb' | 'memory' | 'network'

/** What one getImage did, for UIs and diagnostics (see getImageWithInfo). */
export interface LoadResult {
  blob: Blob
  source: ImageSource
  /** The version returned: the record's token, or the newer one an `Updated` answer carried. */
  token: number
  /** Wire payload bytes received (0 unless the image came from the network). */
  wireBytes: number
  /** Time spent decoding the wire payload, ms. */
  decodeMs: number
  /** Time spent decrypting (key import + AES-GCM + Blob), ms. */
  decryptMs: number
}
