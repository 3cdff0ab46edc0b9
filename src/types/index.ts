/**
 * Public types shared by `pixstore/backend`, `pixstore/frontend` and `pixstore/codec`.
 * Names and shapes follow pixstore 3.2.1 so its users can switch.
 */

/** Base64 AES-256-GCM parameters of one image version (key 32 bytes, iv 12 bytes, tag 16 bytes). */
export interface ImageMeta {
  key: string
  iv: string
  tag: string
}

/**
 * Facts about one stored image version, computed at save/update from the stored bytes.
 * `width`/`height` are the displayed size (after EXIF orientation), so a page can reserve the box
 * before any fetch; `bytes` is the stored original's size (after the metadata strip); `placeholder`
 * is a ThumbHash (base64, a few dozen bytes) that `placeholderDataUrl` turns into a blurred preview.
 */
export interface ImageInfo {
  mime: string
  width: number
  height: number
  bytes: number
  placeholder?: string
}

/**
 * A resize preset of the backend config (`variants: { thumb: { width: 320, height: 320 } }`): an
 * allowlist, so a client can only ever ask for a size the application chose. Generated with sharp at
 * save/update (`fit` and `format` as sharp spells them; default `inside`, `webp`), never enlarged.
 */
export interface VariantPreset {
  width: number
  height: number
  fit?: 'inside' | 'cover' | 'contain' | 'fill' | 'outside'
  format?: 'webp' | 'jpeg' | 'png' | 'avif'
  /** Encoder quality 1..100 (sharp's default when absent). */
  quality?: number
}

/**
 * One variant of an image version as the record lists it: sealed under its own key and IV, served
 * under the same token and proof as the original.
 */
export interface ImageVariant {
  meta: ImageMeta
  info: ImageInfo
}

/**
 * What the backend hands the application for one image, and the application hands its front end.
 * `token` identifies the image version (strictly increasing per image, ≤ 2^53−1);
 * `statelessProof` authorises one network fetch of `id` until it expires.
 */
export interface ImageRecord {
  id: string
  token: number
  meta: ImageMeta
  statelessProof: string
  /** Media facts of this version; absent on records of images stored before they existed (pixstore 3.2.1 data). */
  info?: ImageInfo
  /** The version's variants by preset name (absent: none configured, or an image stored before them). */
  variants?: Record<string, ImageVariant>
}

/** What one fetch asks for besides the record: the variant (absent = the original). */
export interface ImageFetchRequest {
  variant?: string
}

/**
 * Fetches the wire payload for `record` from wherever the application serves it.
 * `context` is whatever the caller passed to `getImage`, unchanged.
 *
 * @example
 * ```ts
 * const fetcher: ImageFetcher = async (record, context) => {
 *   const res = await fetch(`/api/images/${record.id}`, { headers: { authorization: context.jwt } })
 *   return new Uint8Array(await res.arrayBuffer())
 * }
 * ```
 */
export type ImageFetcher<Context = any> = (record: ImageRecord, context?: Context, request?: ImageFetchRequest) => Promise<Uint8Array>

/** Wire states of format v1 (byte-compatible with pixstore 3.2.1). */
export const WireState = {
  Success: 0,
  Updated: 1,
  NotFound: 2,
  MissingID: 3,
  MissingProof: 4,
  InvalidProof: 5,
  InternalError: 6,
} as const
export type WireState = (typeof WireState)[keyof typeof WireState]

/** `[0][ciphertext]`: the client's token is current; decrypt with the record's meta. */
export interface SuccessPayload {
  state: typeof WireState.Success
  ciphertext: Uint8Array
}

/** `[1][token u64 LE][key 32][iv 12][tag 16][ciphertext]`: a newer version with its own key. */
export interface UpdatedPayload {
  state: typeof WireState.Updated
  token: number
  key: Uint8Array
  iv: Uint8Array
  tag: Uint8Array
  ciphertext: Uint8Array
}

/** A one-byte error frame. */
export interface ErrorPayload {
  state:
    | typeof WireState.NotFound
    | typeof WireState.MissingID
    | typeof WireState.MissingProof
    | typeof WireState.InvalidProof
    | typeof WireState.InternalError
}

export type WirePayload = SuccessPayload | UpdatedPayload | ErrorPayload
