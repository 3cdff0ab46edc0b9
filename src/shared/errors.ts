/**
 * Every failure Pixstore reports on purpose is a {@link PixstoreError} with a stable string `code`.
 * Programs switch on `code`; `message` is for people and may change between versions.
 *
 * @example
 * ```ts
 * try { decodeWirePayload(bytes) } catch (e) {
 *   if (e instanceof PixstoreError && e.code === 'WIRE_TRUNCATED') retryLater()
 * }
 * ```
 */
export type PixstoreErrorCode =
  // wire codec
  | 'WIRE_INVALID_INPUT' // the argument is not a Uint8Array / not a valid payload object
  | 'WIRE_EMPTY'
  | 'WIRE_UNKNOWN_STATE'
  | 'WIRE_TRUNCATED'
  | 'WIRE_TRAILING_BYTES'
  | 'WIRE_TOKEN_RANGE'
  | 'WIRE_FIELD_LENGTH' // key/iv/tag of the wrong length when encoding
  | 'WIRE_BATCH_VERSION' // not a batch container (first byte not 0xBA) or a version other than 1
  | 'WIRE_BATCH_COUNT' // batch item count outside 1..256, or not the count the caller expected
  | 'WIRE_BATCH_LENGTHS' // a batch item length of 0 (or out of u32), or lengths not adding up to the bytes
  | 'CODEC_UNAVAILABLE'
  // wire states received by a client (one code per error state)
  | 'STATE_NOT_FOUND'
  | 'STATE_MISSING_ID'
  | 'STATE_MISSING_PROOF'
  | 'STATE_INVALID_PROOF'
  | 'STATE_INTERNAL_ERROR'
  // proofs
  | 'PROOF_MISSING'
  | 'PROOF_MALFORMED'
  | 'PROOF_UNKNOWN_KEY'
  | 'PROOF_EXPIRED'
  | 'PROOF_NOT_YET_VALID' // expiry further in the future than any proof we issue
  | 'PROOF_INVALID' // MAC mismatch: wrong id, wrong scope, tampered
  // images and ids
  | 'IMAGE_EMPTY'
  | 'IMAGE_INVALID' // not an image we can sniff
  | 'IMAGE_UNSUPPORTED_FORMAT'
  | 'IMAGE_TOO_LARGE'
  | 'IMAGE_TOO_MANY_PIXELS' // width × height (from the headers, before any decode) above maxImagePixels
  | 'IMAGE_TOO_MANY_FRAMES' // an animation with more frames than maxImageFrames
  | 'IMAGE_METADATA_UNSTRIPPABLE' // AVIF with Exif/XMP items, which cannot be dropped losslessly: set keepMetadata or strip upstream
  | 'IMAGE_NOT_FOUND'
  | 'IMAGE_ID_INVALID'
  | 'IMAGE_FILE_UNREADABLE'
  | 'VARIANT_UNKNOWN' // a variant name that is not valid, or that the image's current version does not have
  // crypto
  | 'DECRYPT_FAILED'
  | 'CRYPTO_UNAVAILABLE' // no WebCrypto (crypto.subtle) here: neither an encryption nor a decryption failed
  | 'SECRET_INVALID'
  | 'SECRET_MISSING' // images are stored, but no secret is configured and the secret file is gone
  | 'SECRET_MISMATCH' // images are stored under a key id none of the configured secrets derives
  // storage and lifecycle
  | 'STORAGE_ERROR'
  | 'STORAGE_UNAVAILABLE'
  | 'NOT_INITIALIZED'
  | 'CONFIG_INVALID' // a setting: a config key, PIXSTORE_* variable, setCodec / setErrorHandlingMode value
  | 'ARGUMENT_INVALID' // an argument of an operation (a scope, an option object), not a setting
  | 'ENDPOINT_ERROR'
  // frontend
  | 'FETCH_FAILED'
  | 'FETCH_ABORTED'
  | 'FETCH_TIMEOUT' // the default fetcher's fetchTimeoutMs passed (it covers every attempt and the waits between)
  | 'FETCH_TOO_LARGE' // an answer over maxResponseBytes, refused while reading (or from its Content-Length)
  | 'STATE_STALE_UPDATE' // an Updated answer whose token is not above the record's: refused, nothing cached
  | 'CACHE_ERROR'
  | 'RECORD_INVALID' // getImage got something that is not an ImageRecord
  | 'VARIANT_UNKNOWN' // a variant name that is not valid, or that the record (client) / current version (server) does not have

/** An error Pixstore raised on purpose, with a stable {@link PixstoreErrorCode}. Never carries a secret. */
export class PixstoreError extends Error {
  readonly code: PixstoreErrorCode
  override readonly name = 'PixstoreError'

  constructor(code: PixstoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

/** True when `value` is a {@link PixstoreError}, optionally with the given code. */
export function isPixstoreError(value: unknown, code?: PixstoreErrorCode): value is PixstoreError {
  return value instanceof PixstoreError && (code === undefined || value.code === code)
}
