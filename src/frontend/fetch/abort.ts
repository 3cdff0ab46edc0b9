import { PixstoreError } from '../../shared/errors.js'
import { causeText } from '../cause-text.js'

/** The `signal` a caller put in its getImage context, if any. */
export function signalOf(context: unknown): AbortSignal | undefined {
  const signal = (context as { signal?: unknown } | null | undefined)?.signal
  return typeof AbortSignal !== 'undefined' && signal instanceof AbortSignal ? signal : undefined
}

export function abortedError(signal: AbortSignal | undefined): PixstoreError {
  const reason = signal?.reason
  return new PixstoreError('FETCH_ABORTED', reason === undefined ? 'image request was aborted' : `image request was aborted: ${causeText(reason)}`, { cause: reason })
}

/** Resolves after `ms`, or rejects with `FETCH_ABORTED` as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError(signal))
    const onAbort = () => {
      clearTimeout(timer)
      reject(abortedError(signal))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
