import { dispatch } from './active-codec.js'

/**
 * True when `a` and `b` are both valid tokens (integers in 0..2^53−1) and equal. Anything else —
 * NaN, fractions, strings, negative numbers — is never equal, not even to itself.
 *
 * @example
 * ```ts
 * import { tokensEqual } from 'pixstore/codec'
 * if (tokensEqual(cached.token, record.token)) return cached // cache hit, no network
 * ```
 */
export function tokensEqual(a: number, b: number): boolean {
  return dispatch.tokensEqual(a, b)
}
