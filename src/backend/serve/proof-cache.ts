// Remembers proofs that verified, keyed by everything the MAC covered (proof, id, scope), so a
// client fetching many times within a proof's lifetime costs one HMAC. Expiry is still checked on
// every hit. Oldest entries go first when full (Map keeps insertion order).

export interface ProofCache {
  has(proof: string, id: string, scope: string | undefined, now: number): boolean
  add(proof: string, id: string, scope: string | undefined, exp: number): void
}

// `has` runs before verification, on the request's proof string, and scopes are the application's
// own strings: either may hold any character, so fields are length-prefixed (one key per tuple).
// The scope part follows the MAC's own rule (proofMacInput): a string is a scope, anything else is
// "no scope"; never String(scope), which would make `null` (no scope to the MAC) and `"null"` one key.
const keyOf = (proof: string, id: string, scope: unknown) => {
  const s = typeof scope === 'string' ? `${scope.length}:${scope}` : '-'
  return `${proof.length}:${proof}${id.length}:${id}${s}`
}

/**
 * A bounded cache of verified proofs; `maxEntries` 0 disables it.
 *
 * @example
 * ```ts
 * const cache = createProofCache(10_000)
 * if (!cache.has(proof, id, scope, Date.now())) cache.add(proof, id, scope, await verifyProof(...))
 * ```
 */
export function createProofCache(maxEntries: number): ProofCache {
  const entries = new Map<string, number>()
  return {
    has(proof, id, scope, now) {
      if (maxEntries === 0) return false
      const key = keyOf(proof, id, scope)
      const exp = entries.get(key)
      if (exp === undefined) return false
      if (exp <= now) {
        entries.delete(key)
        return false
      }
      return true
    },
    add(proof, id, scope, exp) {
      if (maxEntries === 0) return
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next()
        if (!oldest.done) entries.delete(oldest.value)
      }
      entries.set(keyOf(proof, id, scope), exp)
    },
  }
}
