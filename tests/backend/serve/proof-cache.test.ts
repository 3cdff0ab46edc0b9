// The verified-proof cache must answer only for the exact (proof, id, scope) that verified: its
// lookups see unverified request input, so no other tuple may map onto a cached key.
import { describe, expect, it } from 'vitest'
import { createProofCache } from '../../../src/backend/serve/proof-cache.js'

describe('proof cache', () => {
  const proof = 'v1.AAAAAAAA.9999999999999.' + 'A'.repeat(43)
  const now = 1_000
  const exp = 2_000

  it('hits for the tuple that verified, until its expiry', () => {
    const cache = createProofCache(10)
    cache.add(proof, 'img', 'user-1', exp)
    expect(cache.has(proof, 'img', 'user-1', now)).toBe(true)
    expect(cache.has(proof, 'img', undefined, now)).toBe(false)
    expect(cache.has(proof, 'img', '', now)).toBe(false)
    expect(cache.has(proof, 'other', 'user-1', now)).toBe(false)
    expect(cache.has(proof, 'img', 'user-1', exp)).toBe(false)
  })

  it('a request proof holding a newline cannot borrow another tuple’s entry', () => {
    const cache = createProofCache(10)
    // A scope the application chose (it may hold any character) ...
    cache.add(proof, 'img', 'abc\n0', exp)
    // ... and an unverified proof string from a request, for another image and no scope.
    expect(cache.has(`${proof}\nimg`, '1abc', undefined, now)).toBe(false)
  })
})
