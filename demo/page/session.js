// Who is signed in. The JWT lives in this module's memory only (never localStorage, never a
// cookie): a reload signs the visitor out, and no other script on the origin can read it back.
let current = null // { token: string, user: { id, name, role, playerId? } }

export const session = {
  get user() {
    return current?.user ?? null
  },
  /** The Authorization header value, or null when signed out. */
  get authorization() {
    return current ? `Bearer ${current.token}` : null
  },
  async signIn(userId) {
    const { token, user } = await api('/api/session', { method: 'POST', body: JSON.stringify({ userId }), headers: { 'content-type': 'application/json' } })
    current = { token, user }
    return user
  },
  signOut() {
    current = null
  },
}

/** An HTTP error of the app's API, with its status for the page to word. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message)
    this.name = 'ApiError'
    this.status = status
  }
}

/** The app's JSON API, signed in when a session exists. */
export async function api(path, init = {}) {
  const headers = { accept: 'application/json', ...init.headers }
  if (session.authorization) headers.authorization = session.authorization
  const response = await fetch(path, { ...init, headers })
  const body = await response.json().catch(() => ({}))
  if (!response.ok) throw new ApiError(response.status, `${init.method ?? 'GET'} ${path}: ${response.status} (${body.error ?? response.statusText})`)
  return body
}
