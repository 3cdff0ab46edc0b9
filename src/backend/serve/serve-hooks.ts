// The application's two hooks on every transport (built-in endpoint, Express, fetch, WebSocket):
// `authorize` decides once per request (a batch is one request) before anything is read, and
// `onServed` hears one event per served image. The rules live here once, so every transport refuses,
// scopes and reports alike: a hook that throws costs its request a 500 (authorize) or nothing
// (onServed), never the server; an event never carries a proof, token secret, key or scope.
import { configFunction } from '../../shared/config-reader.js'
import { PixstoreError } from '../../shared/errors.js'
import type { WireState } from '../../types/index.js'
import { frameLength, type Frame } from './frame.js'

/** What authorize decides for one request. */
export type AuthorizeDecision =
  /** Serve, with this proof scope (absent = no scope). */
  | { allow: true; scope?: string }
  /** Answer the HTTP status (WebSocket: an error reply) and serve nothing. `reason` is the answer's text. */
  | { allow: false; status: 401 | 403; reason?: string }

/** One event per served image request (per item of a batch), after its answer was written or failed. */
export interface ServedEvent {
  transport: 'endpoint' | 'express' | 'fetch' | 'websocket'
  /** The requested id as given (truncated to 128 chars), `''` when none. */
  id: string
  /** The requested variant as given (truncated to 128 chars); absent for the original. */
  variant?: string
  /** The frame's state byte, or -1 when no frame was answered (authorize denied or failed, a refused batch request). */
  state: WireState | -1
  /** The HTTP status when no frame was answered (401/403 denied, 500 authorize failed, 400/413/415 batch refused). */
  status?: number
  /** Bytes of the answer body (frame) for this image; for a refusal, of its text. */
  bytes: number
  /** From the request's arrival (before authorize) to its answer being written or failing. */
  durationMs: number
  batch: boolean
}

/** The application's authorize hook for requests of type `R` (node:http, Express or fetch `Request`). */
export type AuthorizeHook<R> = (request: R) => AuthorizeDecision | Promise<AuthorizeDecision>

/** The application's served-event hook; a returned Promise is not awaited (its rejection is swallowed). */
export type ServedHook = (event: ServedEvent) => unknown

/** Both hooks, as a transport's options or the backend config hold them. */
export interface ServeHooks<R> {
  /**
   * Called once per request (a batch is one request) before any storage read. Deny → the status,
   * no image; allow → served with the decision's `scope` as the scope every proof must carry. A hook
   * that throws or returns something else answers 500.
   */
  authorize?: AuthorizeHook<R> | undefined
  /** Called once per served image (per batch item); a throw is swallowed (reported once via console.warn). */
  onServed?: ServedHook | undefined
}

/** What authorize decided, checked: serve with `scope`, or answer `status` with `text` and nothing else. */
export type Admission = { allow: true; scope: string | undefined } | { allow: false; status: 401 | 403 | 500; text: string }

const MAX_EVENT_FIELD = 128
const ALLOW_ALL: Admission = Object.freeze({ allow: true, scope: undefined })
const INTERNAL: Admission = Object.freeze({ allow: false, status: 500, text: 'Internal error' })
// One warning per hook function: a hook failing on every request must not flood the log.
const warned = new WeakSet<object>()

function warnOnce(hook: object, what: string, cause: unknown): void {
  if (warned.has(hook)) return
  warned.add(hook)
  // The error's class only: its message is the application's and may quote what the hook was given
  // (an HTTP request's proof header, a token), which must not reach a log.
  const kind = cause instanceof Error ? cause.name : cause === undefined || cause === null ? String(cause) : `non-Error ${typeof cause}`
  console.warn(`pixstore: the ${what} hook failed (${kind}); further failures of this hook are not reported`)
}

/** A hook's decision, its shape checked: allow with whatever `scope` it carries, or deny with 401/403. */
export type CheckedDecision = { allow: true; scope: unknown } | { allow: false; status: 401 | 403; reason: string | undefined }

/**
 * Checks the shape of an authorize-style decision (`{ allow: true, scope? }` or `{ allow: false,
 * status: 401 | 403, reason? }`); `undefined` for anything else. The scope is returned unchecked:
 * each caller checks it where its scopes are checked. An empty or non-string reason is `undefined`.
 *
 * @example
 * ```ts
 * const d = checkDecision(await authorizeConnection(upgrade))
 * if (!d) return close(WsCloseCode.Internal, 'internal error')
 * ```
 */
export function checkDecision(decision: unknown): CheckedDecision | undefined {
  if (decision === null || typeof decision !== 'object') return undefined
  const d = decision as { allow?: unknown; scope?: unknown; status?: unknown; reason?: unknown }
  if (d.allow === true) return { allow: true, scope: d.scope }
  if (d.allow === false && (d.status === 401 || d.status === 403)) {
    return { allow: false, status: d.status, reason: typeof d.reason === 'string' && d.reason !== '' ? d.reason : undefined }
  }
  return undefined
}

/**
 * Checks the hook options of a transport (`CONFIG_INVALID` naming the key). `authorize` and `scope`
 * are exclusive: with `authorize`, its decision's `scope` is the proof scope; two sources of one fact
 * would need a merge rule nobody can guess.
 *
 * @example
 * ```ts
 * const hooks = readServeHooks<Request>(readConfig(options, ['authorize', 'onServed', 'scope'] as const))
 * ```
 */
export function readServeHooks<R>(o: { authorize?: unknown; onServed?: unknown; scope?: unknown }): ServeHooks<R> {
  const hooks: ServeHooks<R> = {}
  if (o.authorize !== undefined) {
    hooks.authorize = configFunction<AuthorizeHook<R>>('authorize', o.authorize)
    if (o.scope !== undefined) {
      throw new PixstoreError('CONFIG_INVALID', 'give either authorize (its decision carries the scope) or scope, not both')
    }
  }
  if (o.onServed !== undefined) hooks.onServed = configFunction<ServedHook>('onServed', o.onServed)
  return hooks
}

/**
 * Runs `authorize` for one request and checks its decision; never rejects. No hook: allowed, no
 * scope. A throw, a rejection or a decision of another shape: 500 (warned once, without the request).
 *
 * @example
 * ```ts
 * const admission = await admitRequest(hooks.authorize, req)
 * if (!admission.allow) return answerText(res, admission.status, admission.text)
 * ```
 */
export async function admitRequest<R>(authorize: AuthorizeHook<R> | undefined, request: R): Promise<Admission> {
  if (!authorize) return ALLOW_ALL
  let decision: unknown
  try {
    decision = await authorize(request)
  } catch (e) {
    warnOnce(authorize, 'authorize', e)
    return INTERNAL
  }
  const d = checkDecision(decision)
  // The scope is checked where every scope is (serveImage: a non-string answers InternalError).
  if (d?.allow === true) return { allow: true, scope: d.scope as string | undefined }
  if (d) return { allow: false, status: d.status, text: d.reason ?? (d.status === 401 ? 'Unauthorized' : 'Forbidden') }
  warnOnce(authorize, 'authorize', new PixstoreError('ARGUMENT_INVALID', 'authorize must return { allow: true, scope? } or { allow: false, status: 401 | 403 }'))
  return INTERNAL
}

/** One requested image as the transport read it, with the frame answered (null: none). */
export interface ServedItem {
  id: unknown
  variant?: unknown
  frame: Frame | null
}

const field = (value: unknown): string => (typeof value === 'string' ? value.slice(0, MAX_EVENT_FIELD) : '')

/** A request answered without frames: its status and text length, and the id/variant when known (a GET). */
export interface RefusedRequest {
  status: number
  bytes: number
  id?: unknown
  variant?: unknown
}

/**
 * Reports one request's outcome to `onServed`: one event per item (`batch` tells which), or, for a
 * request answered without frames, one event with state -1 and its status. Never throws.
 *
 * @example
 * ```ts
 * const started = performance.now()
 * res.once('close', () => reportServed(hooks.onServed, { transport: 'endpoint', batch: false, started }, [{ id, variant, frame }]))
 * ```
 */
export function reportServed(
  onServed: ServedHook | undefined,
  request: { transport: ServedEvent['transport']; batch: boolean; started: number },
  outcome: readonly ServedItem[] | RefusedRequest,
): void {
  if (!onServed) return
  const durationMs = performance.now() - request.started
  const { transport, batch } = request
  const event = (id: unknown, variant: unknown, state: WireState | -1, bytes: number): ServedEvent => {
    const e: ServedEvent = { transport, id: field(id), state, bytes, durationMs, batch }
    if (typeof variant === 'string') e.variant = field(variant)
    return e
  }
  const events: ServedEvent[] = isItems(outcome)
    ? outcome.map(({ id, variant, frame }) => event(id, variant, frame ? frame.state : -1, frame ? frameLength(frame) : 0))
    : [{ ...event(outcome.id, outcome.variant, -1, outcome.bytes), status: outcome.status }]
  for (const e of events) {
    try {
      const result = onServed(e)
      if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
        Promise.resolve(result).catch((cause: unknown) => warnOnce(onServed, 'onServed', cause))
      }
    } catch (cause) {
      warnOnce(onServed, 'onServed', cause)
    }
  }
}

const isItems = (outcome: readonly ServedItem[] | RefusedRequest): outcome is readonly ServedItem[] => Array.isArray(outcome)
