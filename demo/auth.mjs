// Sign-in for the demo: a JWT (HS256, jose) signed with a key the demo generates on its first run
// and keeps in its data directory (mode 0600), beside the Pixstore secret but separate from it.
import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { SignJWT, jwtVerify } from 'jose'
import { userById } from './roster.mjs'

const ISSUER = 'pixstore-demo'
const LIFETIME = '1h'

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
 * @returns {Promise<{ issue(user: import('./roster.mjs').DemoUser): Promise<string>, userOf(authorization: string | undefined): Promise<import('./roster.mjs').DemoUser | null> }>}
 * @example
 * const auth = await createAuth(dataDir)
 * const jwt = await auth.issue(user)
 * const same = await auth.userOf(`Bearer ${jwt}`)
 */
export async function createAuth(dataDir) {
  const key = await loadKey(dataDir)
  return {
    issue: (user) =>
      new SignJWT({ role: user.role, name: user.name }).setProtectedHeader({ alg: 'HS256' }).setSubject(user.id).setIssuer(ISSUER).setIssuedAt().setExpirationTime(LIFETIME).sign(key),
    async userOf(authorization) {
      const match = /^Bearer ([A-Za-z0-9_.-]{1,4096})$/.exec(authorization ?? '')
      if (!match) return null
      try {
        const { payload } = await jwtVerify(match[1], key, { issuer: ISSUER, algorithms: ['HS256'] })
        // The role comes from the app's own user table, not from the token: a demoted user loses access at once.
        return typeof payload.sub === 'string' ? userById(payload.sub) : null
      } catch {
        return null // expired, forged or malformed: the same 401
      }
    },
  }
}
