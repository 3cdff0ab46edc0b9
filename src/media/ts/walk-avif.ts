// AVIF (ISOBMFF/HEIF): boxes. The primary item's ispe gives the size, irot/imir the orientation,
// colr the ICC profile; iinf says whether Exif or XMP items exist. Stripping is not offered: dropping
// an item means rewriting iloc offsets, so such files report `strippable: false`.
import { KIND_EXIF, KIND_ICC, KIND_XMP } from '../contract.js'
import { containerFault, F } from '../container-faults.js'
import type { WalkState } from './walk-state.js'

const FTYP = 0x66747970, META = 0x6d657461, PITM = 0x7069746d, IINF = 0x69696e66, INFE = 0x696e6665
const IPRP = 0x69707270, IPCO = 0x6970636f, IPMA = 0x69706d61, ISPE = 0x69737065, IROT = 0x69726f74
const IMIR = 0x696d6972, COLR = 0x636f6c72, AVIF = 0x61766966, AVIS = 0x61766973, EXIF = 0x45786966
const MIME = 0x6d696d65, PROF = 0x70726f66, RICC = 0x72494343

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0))
const XMP_MIME = ascii('application/rdf+xml\0')

// Exif orientation for irot (anticlockwise quarter turns) then imir (0: left-right, 1: top-bottom).
const ROTATE = [1, 8, 3, 6]
const MIRROR_0 = [2, 7, 4, 5]
const MIRROR_1 = [4, 5, 2, 7]

/** A box's header: sets `boxEnd` and returns the payload start. */
class Boxes {
  boxEnd = 0
  boxType = 0
  constructor(private readonly s: WalkState) {}
  open(pos: number, parentEnd: number): number {
    const s = this.s
    s.step(pos)
    if (pos + 8 > parentEnd) throw containerFault(F.AVIF_TRUNCATED, pos)
    let size = s.u32be(pos)
    this.boxType = s.u32be(pos + 4)
    let header = 8
    if (size === 1) {
      if (pos + 16 > parentEnd) throw containerFault(F.AVIF_TRUNCATED, pos)
      if (s.u32be(pos + 8) !== 0) throw containerFault(F.AVIF_TRUNCATED, pos)
      size = s.u32be(pos + 12)
      header = 16
    } else if (size === 0) {
      size = parentEnd - pos
    }
    if (size < header) throw containerFault(F.AVIF_SIZE, pos, size)
    if (size > parentEnd - pos) throw containerFault(F.AVIF_TRUNCATED, pos)
    this.boxEnd = pos + size
    return pos + header
  }
}

function need(at: number, bytes: number, end: number, box: number): void {
  if (at + bytes > end) throw containerFault(F.AVIF_FIELD, box)
}

export function walkAvif(s: WalkState): void {
  const b = new Boxes(s)
  let brand = false
  let primary = -1
  let ipcoStart = -1, ipcoEnd = 0, ipmaStart = -1, ipmaEnd = 0, ipmaAt = 0
  let pos = 0
  while (pos < s.n) {
    const d = b.open(pos, s.n)
    const type = b.boxType
    const end = b.boxEnd
    if (pos === 0) {
      need(d, 8, end, pos)
      for (let i = d; i + 4 <= end; i += i === d ? 8 : 4) {
        const x = s.u32be(i)
        if (x === AVIF || x === AVIS) brand = true
      }
      if (!brand) throw containerFault(F.AVIF_BRAND)
    } else if (type === META) {
      need(d, 4, end, pos)
      let c = d + 4
      while (c < end) {
        const cd = b.open(c, end)
        const ct = b.boxType
        const ce = b.boxEnd
        if (ct === PITM) {
          need(cd, 4, ce, c)
          const v = s.u8(cd)
          need(cd + 4, v === 0 ? 2 : 4, ce, c)
          primary = v === 0 ? s.u16be(cd + 4) : s.u32be(cd + 4)
        } else if (ct === IINF) {
          need(cd, 4, ce, c)
          const v = s.u8(cd)
          let e = cd + 4 + (v === 0 ? 2 : 4)
          need(cd + 4, v === 0 ? 2 : 4, ce, c)
          while (e < ce) {
            const ed = b.open(e, ce)
            const ee = b.boxEnd
            if (b.boxType === INFE) {
              need(ed, 4, ee, e)
              const iv = s.u8(ed)
              if (iv >= 2) {
                const typeAt = ed + 4 + (iv === 2 ? 2 : 4) + 2
                need(typeAt, 4, ee, e)
                const itemType = s.u32be(typeAt)
                if (itemType === EXIF) s.kinds |= KIND_EXIF
                else if (itemType === MIME) {
                  // item_name (NUL-terminated), then content_type.
                  let z = typeAt + 4
                  while (z < ee && s.u8(z) !== 0) z++
                  if (s.startsWith(z + 1, ee, XMP_MIME)) s.kinds |= KIND_XMP
                }
              }
            }
            e = ee
          }
        } else if (ct === IPRP) {
          let p = cd
          while (p < ce) {
            const pd = b.open(p, ce)
            if (b.boxType === IPCO && ipcoStart < 0) {
              ipcoStart = pd
              ipcoEnd = b.boxEnd
            } else if (b.boxType === IPMA && ipmaStart < 0) {
              ipmaStart = pd
              ipmaEnd = b.boxEnd
              ipmaAt = p
            }
            p = b.boxEnd
          }
        }
        c = ce
      }
    }
    pos = end
  }
  s.strippable = (s.kinds & (KIND_EXIF | KIND_XMP)) === 0
  if (primary < 0 || ipcoStart < 0 || ipmaStart < 0) throw containerFault(F.AVIF_NO_SIZE)
  need(ipmaStart, 8, ipmaEnd, ipmaAt)
  const v = s.u8(ipmaStart)
  const wide = (s.u8(ipmaStart + 3) & 1) !== 0
  const count = s.u32be(ipmaStart + 4)
  let q = ipmaStart + 8
  let angle = 0
  let mirror = -1
  let sized = false
  for (let k = 0; k < count; k++) {
    s.step(q)
    need(q, (v < 1 ? 2 : 4) + 1, ipmaEnd, ipmaAt)
    const id = v < 1 ? s.u16be(q) : s.u32be(q)
    q += v < 1 ? 2 : 4
    const associations = s.u8(q)
    q += 1
    need(q, associations * (wide ? 2 : 1), ipmaEnd, ipmaAt)
    if (id !== primary) {
      q += associations * (wide ? 2 : 1)
      continue
    }
    for (let a = 0; a < associations; a++) {
      const index = wide ? s.u16be(q) & 0x7fff : s.u8(q) & 0x7f
      q += wide ? 2 : 1
      if (index === 0) continue
      // The index-th property (1-based) in ipco.
      let p = ipcoStart
      let i = 1
      let found = -1
      while (p < ipcoEnd) {
        const pd = b.open(p, ipcoEnd)
        if (i === index) {
          found = pd
          break
        }
        i++
        p = b.boxEnd
      }
      if (found < 0) continue
      const pt = b.boxType
      const pe = b.boxEnd
      if (pt === ISPE) {
        need(found, 12, pe, p)
        s.width = s.u32be(found + 4)
        s.height = s.u32be(found + 8)
        sized = true
      } else if (pt === IROT) {
        need(found, 1, pe, p)
        angle = s.u8(found) & 3
      } else if (pt === IMIR) {
        need(found, 1, pe, p)
        mirror = s.u8(found) & 1
      } else if (pt === COLR) {
        need(found, 4, pe, p)
        const colourType = s.u32be(found)
        if (colourType === PROF || colourType === RICC) s.kinds |= KIND_ICC
      }
    }
  }
  if (!sized || s.width === 0 || s.height === 0) throw containerFault(F.AVIF_NO_SIZE)
  s.orientation = mirror < 0 ? ROTATE[angle]! : mirror === 0 ? MIRROR_0[angle]! : MIRROR_1[angle]!
  if (s.strip && !s.strippable) throw containerFault(F.AVIF_UNSTRIPPABLE)
}
