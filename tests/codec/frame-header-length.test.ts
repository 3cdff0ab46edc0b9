import { describe, expect, it } from 'vitest'
import { frameHeaderLength } from '../../src/codec/contract.js'
import { IMPLEMENTATIONS } from './implementations.js'

describe.each(IMPLEMENTATIONS)('frameHeaderLength matches what %s writes', (_kind, codec) => {
  it('reserving frameHeaderLength(header) in front of the ciphertext is exactly enough', () => {
    const header = { token: 9, key: new Uint8Array(32), iv: new Uint8Array(12), tag: new Uint8Array(16) }
    for (const h of [null, header]) {
      const ciphertext = Uint8Array.of(1, 2, 3)
      const frame = new Uint8Array(frameHeaderLength(h) + ciphertext.length)
      frame.set(ciphertext, frameHeaderLength(h))
      const body = codec.writeFrameHeader(frame, h)
      expect([...body]).toEqual([1, 2, 3])
      expect(codec.decodeWirePayload(frame).state).toBe(h === null ? 0 : 1)
      expect(() => codec.writeFrameHeader(frame.subarray(0, frameHeaderLength(h) - 1), h)).toThrow(
        expect.objectContaining({ code: 'WIRE_INVALID_INPUT' }),
      )
    }
  })
})
