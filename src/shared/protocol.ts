// The protocol both ends speak, in one place: the HTTP names a request carries, the built-in
// endpoint's default address, and the byte lengths of wire fields. The backend serves with these,
// the frontend's fetcher asks with them, and the codec frames with them, so none of them is spelled
// twice. Browser-safe: no imports.

/** Request header carrying the stateless proof. */
export const PROOF_HEADER = 'x-pixstore-proof'
/** Request header carrying the version token the client holds. */
export const TOKEN_HEADER = 'x-pixstore-token'
/** Query parameter accepted instead of {@link TOKEN_HEADER} (pixstore 3.2.1 clients send it). */
export const TOKEN_QUERY_PARAM = 'token'
/** Query parameter naming the variant a request asks for (`?variant=thumb`); absent = the original. */
export const VARIANT_QUERY_PARAM = 'variant'
/** Content type of every wire answer. */
export const WIRE_CONTENT_TYPE = 'application/octet-stream'

/** Route of the built-in endpoint, and the frontend's default `endpointBaseUrl`. */
export const DEFAULT_ENDPOINT_ROUTE = '/pixstore-image'
/** Listen address of the built-in endpoint: loopback, so nothing is exposed by default. */
export const DEFAULT_ENDPOINT_HOST = '127.0.0.1'
/** Listen port of the built-in endpoint (pixstore 3.2.1's). */
export const DEFAULT_ENDPOINT_PORT = 3001

/** AES-256 key length in bytes. */
export const KEY_LENGTH = 32
/** AES-GCM IV length in bytes. */
export const IV_LENGTH = 12
/** AES-GCM tag length in bytes (the tag travels apart from the ciphertext). */
export const TAG_LENGTH = 16
/** Header length of a Success frame: the state byte. */
export const SUCCESS_HEADER_LENGTH = 1
/** Header length of an Updated frame: state 1 + token 8 + key 32 + iv 12 + tag 16. */
export const UPDATED_HEADER_LENGTH = 1 + 8 + KEY_LENGTH + IV_LENGTH + TAG_LENGTH
/** Tokens travel as u64 LE but must stay exact in a JS number: 2^53−1. */
export const MAX_TOKEN = Number.MAX_SAFE_INTEGER

/** The backend's default `maxImageBytes` (25 MiB): the largest image it stores unless configured. */
export const DEFAULT_MAX_IMAGE_BYTES = 25 * 1024 * 1024

/** First byte of a batch container: outside the v1 state range (0..6), so a v1 decoder given a
 *  container fails WIRE_UNKNOWN_STATE instead of misreading it. */
export const BATCH_MAGIC = 0xba
/** Version byte of the batch container this library speaks. */
export const BATCH_VERSION = 1
/** Most frames one batch container may carry (its count is a u16, but a gallery page needs far fewer). */
export const MAX_BATCH_ITEMS = 256
