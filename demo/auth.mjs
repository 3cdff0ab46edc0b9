// Sign-in for the demo: a JWT (HS256, jose) signed with a key the demo generates on its first run
// and keeps in its data directory (mode 0600), beside the Pixstore secret but separate from it.
import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { SignJWT, jwtVerify } from 'jose'
import { userById } from './roster.mjs'

const ISSUER = 'pixstore-demo'
const LIFETIME = '1h'
// A browser WebSocket cannot send an Authorization header, so the page trades its JWT for a ticket
// that goes in the connection URL: short-lived and good for nothing but opening that socket.
const TICKET_AUDIENCE = 'pixstore-demo-websocket'
const TICKET_LIFETIME = '60s'

async function loadKey(dataDir) {
  const file = path.join(dataDir, 'jwt-key')
  try {
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64url')
  } catch (error) {
    if (error.code !== 'ENOENT') throw error
  }
  const key = randomBytes(32)
  // 'wx': two starts racing on a fresh directory never overwrite each other's key.
  await writeFile(file, key.toString('base64url') + '\n', { mode: 0o600, flag: 'wx' }).catch(async (error) => {
    if (error.code !== 'EEXIST') throw error
  })
  return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64url')
}

/**
 * @param {string} dataDir
 * @returns {Promise<{ issue(user: import('./roster.mjs').DemoUser): Promise<string>, userOf(authorization: string | undefined): Promise<import('./roster.mjs').DemoUser | null>, issueTicket(user: import('./roster.mjs').DemoUser): Promise<string>, userOfTicket(ticket: string | null): Promise<import('./roster.mjs').DemoUser | null> }>}
 * @example
 * const auth = await createAuth(dataDir)
 * const jwt = await auth.issue(user)
 * const same = await auth.userOf(`Bearer ${jwt}`)
 */
export async function createAuth(dataDir) {
  const key = await loadKey(dataDir)
  const sign = (user, claims, lifetime) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(user.id).setIssuer(ISSUER).setIssuedAt().setExpirationTime(lifetime).sign(key)
  const verify = async (jwt, audience) => {
    if (typeof jwt !== 'string' || !/^[A-Za-z0-9_.-]{1,4096}$/.test(jwt)) return null
    try {
      const { payload } = await jwtVerify(jwt, key, { issuer: ISSUER, algorithms: ['HS256'], ...(audience ? { audience } : {}) })
      // jose checks `aud` only when asked to: a ticket must not pass as a sign-in JWT either.
      if (!audience && payload.aud !== undefined) return null
      // The role comes from the app's own user table, not from the token: a demoted user loses access at once.
      return typeof payload.sub === 'string' ? userById(payload.sub) : null
    } catch {
      return null // expired, forged, malformed or the wrong audience: the same 401
    }
  }
  return {
    issue: (user) => sign(user, { role: user.role, name: user.name }, LIFETIME),
    userOf: (authorization) => verify(/^Bearer (.+)$/.exec(authorization ?? '')?.[1], null),
    issueTicket: (user) => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(user.id).setIssuer(ISSUER).setAudience(TICKET_AUDIENCE).setIssuedAt().setExpirationTime(TICKET_LIFETIME).sign(key),
    userOfTicket: (ticket) => verify(ticket, TICKET_AUDIENCE),
  }
}
