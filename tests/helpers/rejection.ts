// What a promise rejected with, for tests that check codes and causes (and fail when it resolves).
import { PixstoreError } from '../../src/shared/errors.js'

/** The rejection of `p`, whatever it is; throws when `p` resolves. */
export async function rejection(p: Promise<unknown>): Promise<Error & { code?: string; cause?: unknown }> {
  try {
    await p
  } catch (e) {
    return e as Error & { code?: string; cause?: unknown }
  }
  throw new Error('expected a rejection')
}

/** The PixstoreError `p` rejected with; rethrows any other rejection, throws when `p` resolves. */
export async function pixstoreRejection(p: Promise<unknown>): Promise<PixstoreError> {
  const e = await rejection(p)
  if (e instanceof PixstoreError) return e
  throw e
}
