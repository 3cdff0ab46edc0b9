// Reads the frontend's IndexedDB record of one image directly (not through the library) to show
// what a script, an extension or someone with the disk would find there: ciphertext and a token.
const DB_NAME = 'pixstore'
const STORE = 'images'
const SECRET_FIELDS = ['key', 'iv', 'tag', 'meta', 'statelessProof']

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ')

function openExisting() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME)
    // No cache yet: abort rather than create an empty database the library would then have to upgrade.
    request.onupgradeneeded = () => request.transaction.abort()
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => resolve(null)
    request.onblocked = () => reject(new Error('the cache database is blocked'))
  })
}

/**
 * @param {string} slot the image id, or `${id}@${variant}` for a variant's own cache slot
 * @returns {Promise<Record<string, unknown> | null>} the raw stored record, or null when not cached
 */
export async function readCachedRecord(slot) {
  const db = await openExisting()
  if (!db) return null
  try {
    if (!db.objectStoreNames.contains(STORE)) return null
    const stored = await new Promise((resolve, reject) => {
      const request = db.transaction(STORE, 'readonly').objectStore(STORE).get(slot)
      request.onsuccess = () => resolve(request.result ?? null)
      request.onerror = () => reject(request.error)
    })
    // Large ciphertexts are stored as Blob values: read the bytes, to show them like the small ones.
    if (stored && typeof Blob === 'function' && stored.ciphertext instanceof Blob) return { ...stored, ciphertext: await stored.ciphertext.arrayBuffer(), ciphertextStoredAs: 'Blob' }
    return stored
  } finally {
    db.close()
  }
}

/**
 * A readable account of the stored record, next to the first bytes of the decrypted image.
 * @param {Record<string, unknown> | null} stored
 * @param {Uint8Array} plainHead first bytes of the decrypted image, for contrast
 */
export function describeCachedRecord(stored, plainHead) {
  if (!stored) return { text: 'Not in the persistent cache (yet): the write happens in the background after a network load.', fields: [] }
  const fields = Object.keys(stored).filter((f) => f !== 'ciphertextStoredAs').sort()
  const ciphertext = new Uint8Array(stored.ciphertext instanceof ArrayBuffer ? stored.ciphertext : new ArrayBuffer(0))
  const leaked = fields.filter((f) => SECRET_FIELDS.includes(f))
  const lines = [
    `id:          ${stored.id}`,
    `token:       ${stored.token}`,
    `size:        ${stored.size} bytes`,
    `lastUsed:    ${new Date(Number(stored.lastUsed)).toISOString()}`,
    `ciphertext:  ${ciphertext.length} bytes${stored.ciphertextStoredAs ? ` (an IndexedDB ${stored.ciphertextStoredAs} value)` : ''}, starts ${hex(ciphertext.subarray(0, 16))} …`,
    '',
    `fields stored: ${fields.join(', ')}`,
    leaked.length === 0 ? 'no key, IV, tag or proof stored: the cache cannot be decrypted on its own.' : `WARNING: secret fields stored: ${leaked.join(', ')}`,
    `decrypted image starts ${hex(plainHead.subarray(0, 16))} (what getImage returned)`,
  ]
  return { text: lines.join('\n'), fields }
}
