// Why something failed, for the message of a PixstoreError that wraps it (the original stays as
// `cause`). Only the error's class and code or first line: enough to act on, short, and free of the
// payloads some libraries append.

/**
 * A short reason for `cause`: an errno-style code (`EADDRINUSE`), else `Name: first line of message`.
 *
 * @example
 * ```ts
 * throw new PixstoreError('ENDPOINT_ERROR', `could not listen (${describeCause(e)})`, { cause: e })
 * ```
 */
export function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code
    const line = (cause.message.split('\n', 1)[0] ?? '').slice(0, 160)
    if (typeof code === 'string' && /^E[A-Z0-9_]+$/.test(code)) return line ? `${code}: ${line}` : code
    return line ? `${cause.name}: ${line}` : cause.name
  }
  return cause === undefined || cause === null ? String(cause) : `non-Error ${typeof cause} thrown`
}
