// The format byte is the first plaintext byte under GCM: its meaning must never change for bytes
// already stored, so formats are numbered by position (1-based) in `imageFormats` and new ones go last.

/** pixstore 3.2.1's order (bytes 1–4), then the formats we added. */
export const DEFAULT_IMAGE_FORMATS = ['png', 'webp', 'jpg', 'jpeg', 'gif', 'avif'] as const

const MIME_TYPES: Record<string, string> = {
  png: 'image/png',
  webp: 'image/webp',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  avif: 'image/avif',
}

/** The format byte of `format` in `formats` (1-based), or 0 when it is not listed. */
export function formatToByte(format: string, formats: readonly string[] = DEFAULT_IMAGE_FORMATS): number {
  return formats.indexOf(format) + 1
}

/** The format named by `byte`, or `undefined` for 0 or a byte past the list. */
export function byteToFormat(byte: number, formats: readonly string[] = DEFAULT_IMAGE_FORMATS): string | undefined {
  return byte >= 1 ? formats[byte - 1] : undefined
}

/** MIME type for a format name (`application/octet-stream` for one we do not know). */
export function formatToMimeType(format: string | undefined): string {
  return (format && MIME_TYPES[format]) || 'application/octet-stream'
}
