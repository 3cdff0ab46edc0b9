// The MAC input must give every (key id, id, expiry, scope) its own bytes, so one MAC never fits two
// meanings. JavaScript callers may pass `null` for "no scope": it must mean exactly that.
import { describe, expect, it } from 'vitest'
import { proofMacInput } from '../../src/crypto/proof-format.js'

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

describe('proof MAC input', () => {
  it('null scope is no scope, and differs from the empty scope', () => {
    const none = hex(proofMacInput('AAAAAAAA', 'img', 1_000, undefined))
    expect(hex(proofMacInput('AAAAAAAA', 'img', 1_000, null))).toBe(none)
    expect(hex(proofMacInput('AAAAAAAA', 'img', 1_000, ''))).not.toBe(none)
  })

  it('moving bytes between id and scope changes the input', () => {
    expect(hex(proofMacInput('AAAAAAAA', 'ab', 1, 'c'))).not.toBe(hex(proofMacInput('AAAAAAAA', 'a', 1, 'bc')))
  })
})
