// Classification and redaction of pg failures, byte-exact (no server needed).
import { describe, expect, it } from 'vitest'
import { isConnectionFailure, redact, sqlStateOf, toStorageError } from '../../../src/backend/storage/postgres/postgres-errors.js'
import { PixstoreError } from '../../../src/shared/errors.js'

const withCode = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {})

describe('isConnectionFailure', () => {
  it.each([
    ['connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'],
    ['read ECONNRESET', 'ECONNRESET'],
    ['terminating connection due to administrator command', '57P01'],
    ['the database system is starting up', '57P03'],
    ['password authentication failed for user "app"', '28P01'],
    ['sorry, too many clients already', '53300'],
    ['connection failure', '08006'],
    ['timeout exceeded when trying to connect', undefined],
    ['Connection terminated unexpectedly', undefined],
    ['Query read timeout', undefined],
  ])('%s (%s) → unavailable', (message, code) => {
    expect(isConnectionFailure(withCode(message, code))).toBe(true)
  })

  it.each([
    ['duplicate key value violates unique constraint', '23505'],
    ['new row violates check constraint', '23514'],
    ['relation "x" does not exist', '42P01'],
    ['syntax error at or near', '42601'],
  ])('%s (%s) → a request error', (message, code) => {
    expect(isConnectionFailure(withCode(message, code))).toBe(false)
  })

  it('looks inside AggregateError (several addresses refused)', () => {
    expect(isConnectionFailure(new AggregateError([withCode('x', 'ECONNREFUSED')], ''))).toBe(true)
    expect(isConnectionFailure('ECONNREFUSED')).toBe(false)
  })
})

describe('redact', () => {
  it('removes the secret and its URL-encoded form everywhere', () => {
    expect(redact('a p@ss/w b p%40ss%2Fw c p@ss/w', ['p@ss/w'])).toBe('a *** b *** c ***')
  })
  it('ignores empty secrets and leaves other text alone', () => {
    expect(redact('nothing to hide', ['', 'absent'])).toBe('nothing to hide')
  })
})

describe('toStorageError', () => {
  it('maps codes, names the operation and SQLSTATE, and keeps no raw pg error', () => {
    const raw = Object.assign(withCode('could not reach postgres://app:hunter2-secret@db/x', 'ECONNREFUSED'), {
      client: { password: 'hunter2-secret' },
    })
    const error = toStorageError(raw, 'get', ['postgres://app:hunter2-secret@db/x', 'hunter2-secret'])
    expect(error).toBeInstanceOf(PixstoreError)
    expect(error.code).toBe('STORAGE_UNAVAILABLE')
    expect(error.message).toBe('PostgreSQL is unreachable during get (ECONNREFUSED): could not reach ***')
    expect(error.cause).not.toBe(raw)
    expect(JSON.stringify(error.cause, Object.getOwnPropertyNames(error.cause))).not.toContain('hunter2')
    const other = toStorageError(withCode('duplicate key', '23505'), 'insert', [])
    expect(other.code).toBe('STORAGE_ERROR')
    expect(other.message).toBe('PostgreSQL failed during insert (23505): duplicate key')
  })

  it('passes PixstoreErrors through unchanged', () => {
    const original = new PixstoreError('IMAGE_ID_INVALID', 'bad id')
    expect(toStorageError(original, 'get', [])).toBe(original)
  })
})

describe('sqlStateOf', () => {
  it('reads the SQLSTATE from a pg error and from the PixstoreError made of it, whatever the language', () => {
    // lc_messages = 'de_DE': the text says nothing an English match would find.
    const raw = withCode('neue Zeile für Relation »pixstore_images« verletzt Check-Constraint', '23514')
    expect(sqlStateOf(raw)).toBe('23514')
    expect(sqlStateOf(toStorageError(raw, 'replace', []))).toBe('23514')
    // A socket errno is not a SQLSTATE, and a message naming one is not an error carrying it.
    expect(sqlStateOf(withCode('connect ECONNREFUSED', 'ECONNREFUSED'))).toBeUndefined()
    expect(sqlStateOf(new PixstoreError('STORAGE_ERROR', 'PostgreSQL failed during replace (23514): x'))).toBeUndefined()
  })
})
