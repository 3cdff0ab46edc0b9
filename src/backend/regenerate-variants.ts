import { openImage } from '../crypto/aes-gcm.js'
import { configInteger, readConfig } from '../shared/config-reader.js'
import { handleError } from '../shared/error-handling.js'
import { isPixstoreError, PixstoreError, type PixstoreErrorCode } from '../shared/errors.js'
import { readyState, type BackendState } from './backend-state.js'
import type { ResolvedVariantPreset } from './config/variant-presets.js'
import { ingestImage } from './images/ingest-image.js'
import { sealVersion } from './images/seal-version.js'
import { unwrapStoredKey } from './images/stored-key.js'
import type { StoredImageHead } from './storage/contract.js'

/** Options of {@link regenerateVariants}. */
export interface RegenerateVariantsOptions {
  /** Images re-rendered at once, 1 to 8. Default 1 (the server keeps serving meanwhile). */
  concurrency?: number
}

/** What {@link regenerateVariants} did. */
export interface RegenerateVariantsResult {
  /** Images looked at (every stored image). */
  checked: number
  /** Images whose variants already matched the presets: untouched. */
  upToDate: number
  /** Images stored again as a new version with the configured variants. */
  regenerated: number
  /** Images updated or deleted while they were being re-rendered: the other write won, nothing stored. */
  skipped: number
  /** Images that could not be re-rendered (e.g. no longer within `maxImageBytes`), first 100 listed. */
  failed: number
  failures: { id: string; code: PixstoreErrorCode | 'UNKNOWN' }[]
}

const PAGE = 100
const MAX_LISTED_FAILURES = 100

// Same names with the same fingerprints: both lists are in name order (config and heads sort them).
function matches(head: StoredImageHead, presets: readonly ResolvedVariantPreset[]): boolean {
  const stored = head.variants ?? []
  return stored.length === presets.length && stored.every((v, i) => v.name === presets[i]!.name && v.preset === presets[i]!.fingerprint)
}

// Own properties and known keys only, as config is read; a bad option is the caller's argument.
function concurrencyOption(options: unknown): number {
  try {
    const o = readConfig(options, ['concurrency'] as const, 'regenerateVariants options')
    return o.concurrency === undefined ? 1 : configInteger('concurrency', o.concurrency, 1, 8)
  } catch (e) {
    throw new PixstoreError('ARGUMENT_INVALID', (e as Error).message, { cause: e })
  }
}

type Outcome = 'upToDate' | 'regenerated' | 'skipped'

async function regenerateOne(state: BackendState, head: StoredImageHead): Promise<Outcome> {
  if (matches(head, state.config.variants)) return 'upToDate'
  const stored = await state.storage.get(head.id)
  if (!stored || stored.token !== head.token) return 'skipped'
  const plaintext = await openImage(stored.ciphertext, await unwrapStoredKey(state.keyring, stored), stored.iv, stored.tag)
  // The stored original (already stripped unless keepMetadata) goes through the whole ingest again,
  // as an update would: same checks, facts and variants, fresh keys.
  const image = await ingestImage(plaintext.subarray(1), state.config)
  const { version } = await sealVersion(head.id, image, state.keyring.current)
  // A new version (new token), so no browser cache keeps the old variants as current; written only
  // while the image still holds the version that was read.
  const token = await state.storage.replace(head.id, version, Date.now(), head.token)
  return token === null ? 'skipped' : 'regenerated'
}

/**
 * Brings every stored image's variants in line with the configured `variants` presets, after presets
 * were added, removed or changed. An image whose stored variants (names and preset fingerprints)
 * differ is re-rendered from its decrypted original and stored as a new version (new token, new
 * keys; clients holding the old record get it as `Updated`), only if it was not updated meanwhile
 * (that update already carries the current presets, and wins). Images already matching are not
 * touched, so a second run does nothing. Failures of single images are counted and listed, not thrown.
 *
 * @example
 * ```ts
 * await initPixstoreBackend({ variants: { thumb: { width: 320, height: 320 }, medium: { width: 1280, height: 1280 } } })
 * const { regenerated, failed } = (await regenerateVariants({ concurrency: 2 }))!
 * console.log(`${regenerated} images re-rendered, ${failed} failed`)
 * ```
 */
export async function regenerateVariants(options?: RegenerateVariantsOptions): Promise<RegenerateVariantsResult | null> {
  try {
    const concurrency = concurrencyOption(options)
    const state = await readyState()
    const result: RegenerateVariantsResult = { checked: 0, upToDate: 0, regenerated: 0, skipped: 0, failed: 0, failures: [] }
    for (let after = ''; ;) {
      const page = await state.storage.listHeads(after, PAGE)
      let next = 0
      const worker = async () => {
        while (next < page.length) {
          const head = page[next++]!
          result.checked++
          try {
            result[await regenerateOne(state, head)]++
          } catch (e) {
            result.failed++
            if (result.failures.length < MAX_LISTED_FAILURES) result.failures.push({ id: head.id, code: isPixstoreError(e) ? e.code : 'UNKNOWN' })
          }
        }
      }
      await Promise.all(Array.from({ length: Math.min(concurrency, page.length) }, worker))
      if (page.length < PAGE) return result
      after = page.at(-1)!.id
    }
  } catch (e) {
    return handleError(e)
  }
}
