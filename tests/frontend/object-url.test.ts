import { afterEach, describe, expect, it, vi } from 'vitest'
import { acquireObjectUrl } from '../../src/frontend/index.js'

afterEach(() => vi.restoreAllMocks())

describe('acquireObjectUrl', () => {
  it('shares one URL per Blob and revokes it on the last release only', () => {
    const revoke = vi.spyOn(URL, 'revokeObjectURL')
    const create = vi.spyOn(URL, 'createObjectURL')
    const blob = new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' })
    const a = acquireObjectUrl(blob)
    const b = acquireObjectUrl(blob)
    expect(a.url).toBe(b.url)
    expect(a.url).toMatch(/^blob:/)
    expect(create).toHaveBeenCalledTimes(1)
    a.release()
    a.release() // double release is harmless: b still holds the URL
    expect(revoke).not.toHaveBeenCalled()
    b.release()
    expect(revoke).toHaveBeenCalledTimes(1)
    expect(revoke).toHaveBeenCalledWith(b.url)
    b.release()
    expect(revoke).toHaveBeenCalledTimes(1)
  })

  it('after the last release a new acquire gets a new URL; other Blobs are independent', () => {
    const blob = new Blob(['x'])
    const other = new Blob(['x'])
    const first = acquireObjectUrl(blob)
    const otherHandle = acquireObjectUrl(other)
    expect(otherHandle.url).not.toBe(first.url)
    first.release()
    const second = acquireObjectUrl(blob)
    expect(second.url).not.toBe(first.url)
    second.release()
    otherHandle.release()
  })

  it('refuses what is not a Blob', () => {
    expect(() => acquireObjectUrl('blob:x' as unknown as Blob)).toThrow(TypeError)
  })
})
