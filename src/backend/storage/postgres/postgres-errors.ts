// Maps `pg` failures onto Pixstore's two storage codes. Callers switch on the code to decide between
// "retry later / fail over" (STORAGE_UNAVAILABLE) and "this request is wrong" (STORAGE_ERROR), so the
// split follows SQLSTATE classes, not message text, wherever the server gave one.
import { PixstoreError } from '../../../shared/errors.js'

// Socket-level failures raised by Node before any server answered.
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE',
])
// SQLSTATE classes/codes that mean "the database cannot serve us right now":
// 08 connection exception, 53 insufficient resources, 57P0x shutdown/crash/cannot-connect-now,
// 28 invalid authorisation (a wrong password is a deployment fault, not a bad request).
const UNAVAILABLE_SQLSTATE = /^(08|53|28|57P0[1-4])/

/** Messages `pg` / `pg-pool` use for connection problems that carry no code. */
const UNAVAILABLE_MESSAGE = /timeout|Connection terminated|Client has encountered a connection error|Client was closed|Cannot use a pool after calling end/i

/**
 * True when `error` says the database could not be reached or dropped the connection.
 *
 * @example
 * ```ts
 * isConnectionFailure(Object.assign(new Error('terminating connection'), { code: '57P01' })) // true
 * ```
 */
export function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true
  if (error instanceof AggregateError) return error.errors.some(isConnectionFailure)
  return UNAVAILABLE_MESSAGE.test(error.message)
}

/**
 * The SQLSTATE of a `pg` error, or of the PixstoreError {@link toStorageError} made of one (its
 * redacted cause keeps the code), else `undefined`. Callers recognise server errors by it, never by
 * message text, which varies with the server's version and `lc_messages`.
 *
 * @example
 * ```ts
 * if (sqlStateOf(error) === '23514') // check_violation
 * ```
 */
export function sqlStateOf(error: unknown): string | undefined {
  const source = error instanceof PixstoreError ? error.cause : error
  const code = source instanceof Error ? (source as { code?: unknown }).code : undefined
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined
}

/**
 * Wraps a `pg` failure as a PixstoreError. The message names the operation, the SQLSTATE and
 * pg's text with the URL's password (and the URL itself) removed: pg never puts the password in
 * its messages today, but a DSN echoed by a driver or a proxy would otherwise reach the logs.
 */
export function toStorageError(error: unknown, operation: string, secrets: readonly string[]): PixstoreError {
  if (error instanceof PixstoreError) return error
  const unavailable = isConnectionFailure(error)
  const code = unavailable ? 'STORAGE_UNAVAILABLE' : 'STORAGE_ERROR'
  const sqlState = error instanceof Error ? (error as { code?: unknown }).code : undefined
  const detail = redact(error instanceof Error ? error.message || error.name : String(error), secrets)
  const what = unavailable ? 'PostgreSQL is unreachable' : 'PostgreSQL failed'
  const message = `${what} during ${operation}${typeof sqlState === 'string' ? ` (${sqlState})` : ''}: ${detail}`
  // The raw pg error is not attached as `cause`: its fields (connection parameters on some paths)
  // are outside our control. A redacted copy keeps the stack useful without the risk.
  const cause = new Error(detail)
  if (typeof sqlState === 'string') Object.assign(cause, { code: sqlState })
  return new PixstoreError(code, message, { cause })
}

/**
 * Removes every occurrence of each secret (non-empty, also in URL-encoded form) from `text`.
 *
 * @example
 * ```ts
 * redact('bad url postgres://u:p%40ss@h/db', ['p@ss']) // 'bad url postgres://u:***@h/db'
 * ```
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) {
    if (!secret) continue
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join('***')
  }
  return out
}
