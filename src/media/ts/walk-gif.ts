// GIF: header, colour tables and a block list whose data is in length-prefixed sub-blocks. Comments
// and application extensions other than looping (NETSCAPE2.0, ANIMEXTS1.0) and the ICC profile go.
import { KIND_COMMENT, KIND_ICC, KIND_OTHER, KIND_XMP } from '../contract.js'
import { containerFault, F } from '../container-faults.js'
import type { WalkState } from './walk-state.js'

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0))
const APP_NETSCAPE = ascii('\x0bNETSCAPE2.0')
const APP_ANIMEXTS = ascii('\x0bANIMEXTS1.0')
const APP_XMP = ascii('\x0bXMP DataXMP')
const APP_ICC = ascii('\x0bICCRGBG1012')

/** Offset after the sub-block chain starting at `q` (its zero terminator included). */
function subBlocks(s: WalkState, q: number, block: number): number {
  for (;;) {
    if (q >= s.n) throw containerFault(F.GIF_TRUNCATED, block)
    const size = s.u8(q)
    q += 1 + size
    if (size === 0) return q
  }
}

export function walkGif(s: WalkState): void {
  const n = s.n
  if (n < 13) throw containerFault(F.GIF_TRUNCATED, 0)
  s.width = s.u16le(6)
  s.height = s.u16le(8)
  if (s.width === 0 || s.height === 0) throw containerFault(F.GIF_SIZE)
  const flags = s.u8(10)
  let pos = 13 + ((flags & 0x80) !== 0 ? 3 << ((flags & 7) + 1) : 0)
  if (pos > n) throw containerFault(F.GIF_TRUNCATED, 0)
  s.keep(0, pos)
  let images = 0
  for (;;) {
    s.step(pos)
    if (pos >= n) throw containerFault(F.GIF_NO_TRAILER, pos)
    const introducer = s.u8(pos)
    if (introducer === 0x3b) {
      if (images === 0) throw containerFault(F.GIF_NO_IMAGE)
      s.frames = images
      s.keep(pos, pos + 1)
      if (pos + 1 < n) s.dropped = true
      return
    }
    let kind = 0
    let next: number
    if (introducer === 0x2c) {
      if (pos + 10 > n) throw containerFault(F.GIF_TRUNCATED, pos)
      images++
      const local = s.u8(pos + 9)
      const q = pos + 10 + ((local & 0x80) !== 0 ? 3 << ((local & 7) + 1) : 0) + 1
      if (q > n) throw containerFault(F.GIF_TRUNCATED, pos)
      next = subBlocks(s, q, pos)
    } else if (introducer === 0x21) {
      if (pos + 2 > n) throw containerFault(F.GIF_TRUNCATED, pos)
      const label = s.u8(pos + 1)
      const q = pos + 2
      if (label === 0xff) {
        if (s.startsWith(q, n, APP_NETSCAPE) || s.startsWith(q, n, APP_ANIMEXTS)) kind = 0
        else if (s.startsWith(q, n, APP_ICC)) kind = KIND_ICC
        else if (s.startsWith(q, n, APP_XMP)) kind = KIND_XMP
        else kind = KIND_OTHER
      } else if (label === 0xfe) {
        kind = KIND_COMMENT
      }
      next = subBlocks(s, q, pos)
    } else {
      throw containerFault(F.GIF_BLOCK, pos)
    }
    if (kind !== KIND_OTHER) s.kinds |= kind
    s.segment(kind, pos, next, () => {})
    pos = next
  }
}
