// The one rule for a proof's scope, applied wherever a scope enters (getImageRecord, signProof,
// customEndpointHelper, the adapters' scope callbacks): a string of at most 512 characters, or
// absent. `null` also means absent (JSON and JavaScript callers write it for "no scope", and the MAC
// input always treated it so). Anything else (a number, a Promise that was never awaited) is refused
// rather than turned into text, so the MAC, the proof cache and the application all see the same
// value: `String(x)` would make `null` and `"null"` one cache key but two MAC inputs.
import { PixstoreError } from '../shared/errors.js'

/** Longest scope accepted. */
export const MAX_SCOPE_LENGTH = 512

/**
 * Returns `scope` when it is a valid scope (a string ≤ 512 characters), `undefined` when it is
 * absent (`undefined` or `null`); throws `ARGUMENT_INVALID` otherwise.
 *
 * @example
 * ```ts
 * const scope = checkScope(options.scope) // 'user-42' | undefined
 * ```
 */
export function checkScope(scope: unknown): string | undefined {
  if (scope === undefined || scope === null) return undefined
  if (typeof scope !== 'string') {
    throw new PixstoreError('ARGUMENT_INVALID', `scope must be a string or absent, not ${typeof scope}`)
  }
  if (scope.length > MAX_SCOPE_LENGTH) {
    throw new PixstoreError('ARGUMENT_INVALID', `scope is ${scope.length} characters, over ${MAX_SCOPE_LENGTH}`)
  }
  return scope
}
