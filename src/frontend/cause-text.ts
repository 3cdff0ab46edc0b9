// Why a wrapped failure happened, for the message of the PixstoreError that wraps it (the original
// stays as `cause`). Only the error's own message, bounded: no stack, no object dump, so nothing
// the caller did not already put in a message reaches a log.
const MAX_CAUSE_TEXT = 200

/** The cause's message (or its string form), at most 200 characters. */
export function causeText(cause: unknown): string {
  let text: string
  try {
    text = cause instanceof Error ? `${cause.name === 'Error' ? '' : `${cause.name}: `}${cause.message}` : String(cause)
  } catch {
    text = 'unprintable error'
  }
  text = text.trim() || 'no message'
  return text.length > MAX_CAUSE_TEXT ? `${text.slice(0, MAX_CAUSE_TEXT)}…` : text
}
