// One HTTP request answered, whatever server carries it: the node:http handler (built-in endpoint,
// Express) and the fetch handler only read the request's fields and write the answer this returns.
// Here, once: authorize before anything is read, the proof scope (authorize's or the scope option's),
// the batch request's checks and limits, and the served events once the answer is written.
import { readyState } from '../backend-state.js'
import { DEFAULT_BACKEND_CONFIG } from '../config/backend-config.js'
import { checkBatchRequest, isJsonContentType, parseBatchRequest, type BatchRequestResult } from './batch-request.js'
import { frameLength, type Frame } from './frame.js'
import { admitRequest, reportServed, type Admission, type ServedEvent, type ServedItem, type ServeHooks } from './serve-hooks.js'
import { serveImage, type ServeRequest } from './serve-image.js'
import { batchParts, serveImageBatch, type BatchScope } from './serve-image-batch.js'

/** A short text refusal; `close`: the request body was left unread, so the connection cannot be reused. */
export interface TextAnswer {
  status: 400 | 401 | 403 | 413 | 415 | 500
  text: string
  close: boolean
}

/** What to answer: 200 with wire bytes, a text refusal, or nothing (status 0: the client went away). */
export type HttpAnswer = { status: 200; parts: Uint8Array[]; length: number } | TextAnswer | { status: 0 }

/** An answer, and what to call once it was written or failed (it reports the served events). */
export interface HttpExchange {
  answer: HttpAnswer
  done(): void
}

/** One transport's serving setup: who it is, the application's hooks, its scope option and limits. */
export interface HttpServeContext<R> {
  transport: ServedEvent['transport']
  hooks: ServeHooks<R>
  /** The scope option (exclusive with `hooks.authorize`, see readServeHooks); may be async. */
  scope?: ((request: R) => unknown) | undefined
  /** Batch limits; each absent one is the backend config's. */
  maxBatchItems?: number | undefined
  maxBatchRequestBytes?: number | undefined
}

/** The fields of a GET `{route}/{id}` as the transport read them. */
export interface ImageQuery {
  id: unknown
  token: unknown
  proof: unknown
  variant: unknown
}

/** A batch request's body as the transport can give it. */
export type BatchBody =
  /**
   * The raw bytes, read up to `maxBytes`: 'too-large' past it, 'aborted' when the client left,
   * 'unreadable' when reading failed, 'consumed' when something else read the body first.
   */
  | { read(maxBytes: number): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; reason: 'too-large' | 'aborted' | 'unreadable' | 'consumed' }> }
  /** Already parsed by a framework's body parser (express.json()), under its own size limit. */
  | { parsed: unknown }

const frameParts = (frame: Frame): Uint8Array[] => (frame.body && frame.body.length > 0 ? [frame.header, frame.body] : [frame.header])

const textAnswer = (status: TextAnswer['status'], text: string, close: boolean): TextAnswer => ({ status, text, close })

function scopeFor<R>(context: HttpServeContext<R>, admission: Admission & { allow: true }, request: R): BatchScope {
  if (context.hooks.authorize) return { scope: admission.scope }
  const scopeOf = context.scope
  return scopeOf ? { resolveScope: () => scopeOf(request) } : {}
}

function refused<R>(context: HttpServeContext<R>, started: number, batch: boolean, answer: TextAnswer, query?: ImageQuery): HttpExchange {
  const outcome = { status: answer.status, bytes: Buffer.byteLength(answer.text), id: query?.id, variant: query?.variant }
  return { answer, done: () => reportServed(context.hooks.onServed, { transport: context.transport, batch, started }, outcome) }
}

/**
 * Answers a GET for one image: authorize, then the frame serveImage gives. Never rejects.
 *
 * @example
 * ```ts
 * const { answer, done } = await answerImageRequest(context, req, { id, token, proof, variant })
 * ```
 */
export async function answerImageRequest<R>(context: HttpServeContext<R>, request: R, query: ImageQuery): Promise<HttpExchange> {
  const started = performance.now()
  const admission = await admitRequest(context.hooks.authorize, request)
  if (!admission.allow) return refused(context, started, false, textAnswer(admission.status, admission.text, false), query)
  const serveRequest: ServeRequest = { id: query.id, token: query.token, proof: query.proof, variant: query.variant, ...scopeFor(context, admission, request) }
  const frame = await serveImage(readyState(), serveRequest)
  const item: ServedItem = { id: query.id, variant: query.variant, frame }
  return {
    answer: { status: 200, parts: frameParts(frame), length: frameLength(frame) },
    done: () => reportServed(context.hooks.onServed, { transport: context.transport, batch: false, started }, [item]),
  }
}

/**
 * Answers a batch request (`POST {route}`, JSON): authorize, the content type, the body under its
 * byte limit, its items under the item limit, then one container. 4xx for a request that is not
 * one; never rejects.
 *
 * @example
 * ```ts
 * const { answer, done } = await answerBatchRequest(context, req, req.headers['content-type'], { read: (max) => readRequestBody(req, max) })
 * ```
 */
export async function answerBatchRequest<R>(context: HttpServeContext<R>, request: R, contentType: string | null | undefined, body: BatchBody): Promise<HttpExchange> {
  const started = performance.now()
  try {
    const admission = await admitRequest(context.hooks.authorize, request)
    if (!admission.allow) return refused(context, started, true, textAnswer(admission.status, admission.text, true))
    if (!isJsonContentType(contentType)) return refused(context, started, true, textAnswer(415, 'A batch request is application/json', true))
    const state = readyState()
    // An uninitialised backend still answers in shape (every item InternalError, as a GET would).
    const config = await state.then((s) => s.config, () => DEFAULT_BACKEND_CONFIG)
    const maxItems = context.maxBatchItems ?? config.maxBatchItems
    const maxBytes = context.maxBatchRequestBytes ?? config.maxBatchRequestBytes
    let parsed: BatchRequestResult
    if ('parsed' in body) {
      parsed = checkBatchRequest(body.parsed, maxItems)
    } else {
      const bytes = await body.read(maxBytes)
      if (!bytes.ok) {
        if (bytes.reason === 'too-large') return refused(context, started, true, textAnswer(413, `A batch request body is at most ${maxBytes} bytes`, true))
        if (bytes.reason === 'unreadable') return refused(context, started, true, textAnswer(400, 'The request body could not be read', true))
        if (bytes.reason === 'consumed') return refused(context, started, true, textAnswer(400, 'The request body was already consumed', false))
        return { answer: { status: 0 }, done: () => {} }
      }
      parsed = parseBatchRequest(bytes.bytes, maxItems)
    }
    if (!parsed.ok) return refused(context, started, true, textAnswer(parsed.status, parsed.message, false))
    const items = parsed.items
    const served = await serveImageBatch(state, items, scopeFor(context, admission, request))
    return {
      answer: { status: 200, parts: batchParts(served), length: served.length },
      done: () => reportServed(context.hooks.onServed, { transport: context.transport, batch: true, started }, items.map((it, i) => ({ id: it.id, variant: it.variant, frame: served.frames[i]! }))),
    }
  } catch {
    return refused(context, started, true, textAnswer(500, 'Internal error', true))
  }
}
