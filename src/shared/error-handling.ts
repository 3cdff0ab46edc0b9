import { PixstoreError } from './errors.js'

/**
 * How public calls report failures (API parity with pixstore 3.2.1):
 * - `hybrid` (default): a {@link PixstoreError} is logged and the call returns `null`; other errors throw.
 * - `throw`: every error throws.
 * - `warn`: every error is logged with `console.warn` and the call returns `null`.
 * - `silent`: every error is swallowed and the call returns `null`.
 * - `custom`: the handler set with {@link setCustomErrorHandler} decides; the call returns `null`
 *   unless the handler throws.
 */
export type ErrorHandlingMode = 'hybrid' | 'throw' | 'warn' | 'silent' | 'custom'

export type CustomErrorHandler = (error: unknown) => void

export const ERROR_HANDLING_MODES: readonly ErrorHandlingMode[] = ['hybrid', 'throw', 'warn', 'silent', 'custom']

let mode: ErrorHandlingMode = 'hybrid'
let customHandler: CustomErrorHandler | undefined
let lastError: PixstoreError | null = null

/**
 * Sets the process-wide error handling mode.
 *
 * @example
 * ```ts
 * setErrorHandlingMode('throw')
 * ```
 */
export function setErrorHandlingMode(next: ErrorHandlingMode): void {
  if (!ERROR_HANDLING_MODES.includes(next)) {
    throw new PixstoreError('CONFIG_INVALID', `errorHandlingMode must be one of ${ERROR_HANDLING_MODES.join(', ')}`)
  }
  mode = next
}

/** The current error handling mode. */
export function getErrorHandlingMode(): ErrorHandlingMode {
  return mode
}

/**
 * Sets the handler used in `custom` mode (and switches to it).
 *
 * @example
 * ```ts
 * setCustomErrorHandler((e) => metrics.count(e instanceof PixstoreError ? e.code : 'other'))
 * ```
 */
export function setCustomErrorHandler(handler: CustomErrorHandler): void {
  if (typeof handler !== 'function') throw new PixstoreError('CONFIG_INVALID', 'custom error handler must be a function')
  customHandler = handler
  mode = 'custom'
}

/** The last {@link PixstoreError} any public call reported, whatever the mode, or `null`. */
export function getLastPixstoreError(): PixstoreError | null {
  return lastError
}

/** Clears {@link getLastPixstoreError}. */
export function clearLastPixstoreError(): void {
  lastError = null
}

/**
 * Applies the current mode to an error caught by a public call. Returns `null` when the mode swallows
 * it, throws otherwise. Public calls end with `catch (e) { return handleError(e) }`.
 */
export function handleError(error: unknown): null {
  if (error instanceof PixstoreError) lastError = error
  switch (mode) {
    case 'throw':
      throw error
    case 'silent':
      return null
    case 'warn':
      console.warn('[pixstore]', describe(error))
      return null
    case 'custom':
      if (customHandler) customHandler(error)
      else console.warn('[pixstore]', describe(error))
      return null
    case 'hybrid':
    default:
      if (error instanceof PixstoreError) {
        console.error('[pixstore]', describe(error))
        return null
      }
      throw error
  }
}

function describe(error: unknown): string {
  if (error instanceof PixstoreError) return `${error.code}: ${error.message}`
  return error instanceof Error ? error.message : String(error)
}
