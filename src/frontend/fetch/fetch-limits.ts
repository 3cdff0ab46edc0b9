// Defaults bounding the default fetcher, derived from what the backend sends rather than invented.
import { DEFAULT_MAX_IMAGE_BYTES, UPDATED_HEADER_LENGTH } from '../../shared/protocol.js'

/**
 * The largest frame a default backend sends: an Updated header (69 bytes) plus the ciphertext of a
 * format byte and a `maxImageBytes` image (GCM adds no bytes; the tag travels in the header),
 * rounded up to 64 KiB: 25 MiB + 64 KiB. A backend with a larger `maxImageBytes` needs a larger
 * `maxResponseBytes` on its clients.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = Math.ceil((UPDATED_HEADER_LENGTH + 1 + DEFAULT_MAX_IMAGE_BYTES) / 65_536) * 65_536

/** Deadline of one default-fetcher call, retries included. */
export const DEFAULT_FETCH_TIMEOUT_MS = 30_000
