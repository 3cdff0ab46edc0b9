// The hooks every transport offers the application (#13): decide per request (a scope, or a denial
// before anything is read from storage), and hear about each served request afterwards (logging,
// metrics, rate limits). Shapes only; each transport calls them.
import type { WireState } from '../../types/index.js'

/** What authorize decides for one request. */
export type AuthorizeDecision =
  | { allow: true; scope?: string } // serve, with this proof scope (absent = no scope)
  | { allow: false; status: 401 | 403; reason?: string } // answer the HTTP status (ws: an error reply), serve nothing

/** One event per served image request (per item of a batch), after its answer was written or failed. */
export interface ServedEvent {
  transport: 'endpoint' | 'express' | 'fetch' | 'websocket'
  /** The requested id as given (truncated to 128 chars), '' when none. */
  id: string
  variant?: string
  /** The frame's state byte, or -1 when authorize denied (no frame). */
  state: WireState | -1
  /** HTTP status when denied. */
  status?: number
  /** Bytes of the answer body (frame) written. */
  bytes: number
  durationMs: number
  batch: boolean
}
