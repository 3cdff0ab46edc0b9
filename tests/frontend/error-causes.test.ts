// Item 10: a PixstoreError that wraps another keeps it as `cause` and says why in its message.
import { describe, expect, it } from 'vitest'
import { freshFrontend } from './helpers/frontend-env.js'
import { getImage } from '../../src/frontend/index.js'
import { encodeWirePayload } from '../../src/codec/index.js'
import { WireState, type ImageRecord } from '../../src/types/index.js'

const meta = { key: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', iv: 'AAAAAAAAAAAAAAAA', tag: 'AAAAAAAAAAAAAAAAAAAAAA==' }
const record: ImageRecord = { id: 'causes', token: 1, meta, statelessProof: 'p' }

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string; cause?: unknown }> {
  try {
    await promise
  } catch (error) {
    return error as { code: string; message: string; cause?: unknown }
  }
  throw new Error('expected a failure')
}

describe('wrapped errors', () => {
  it("FETCH_FAILED keeps the fetcher's error and tells its message", async () => {
    const thrown = new Error('gateway said 403')
    freshFrontend({ useIndexedDB: false }, async () => {
      throw thrown
    })
    const error = await failure(getImage(record))
    expect(error.code).toBe('FETCH_FAILED')
    expect(error.cause).toBe(thrown)
    expect(error.message).toContain('403')
  })

  it('unusable record meta is RECORD_INVALID with the decoding failure as cause', async () => {
    freshFrontend({ useIndexedDB: false }, async () => Uint8Array.of(2))
    const error = await failure(getImage({ ...record, meta: { ...meta, iv: 'AAAA' } }))
    expect(error.code).toBe('RECORD_INVALID')
    expect(error.cause).toMatchObject({ code: 'DECRYPT_FAILED' })
    expect(error.message).toContain('12-byte iv')
  })

  it('InvalidProof names every reason, a wrong scope included', async () => {
    freshFrontend({ useIndexedDB: false }, async () => encodeWirePayload({ state: WireState.InvalidProof }))
    const error = await failure(getImage(record))
    expect(error.code).toBe('STATE_INVALID_PROOF')
    expect(error.message).toMatch(/scope/)
  })
})
