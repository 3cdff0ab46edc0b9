// Generates real, decodable sample images in code (no binary fixtures in the repo): PNG (zlib),
// GIF (uncompressed-style LZW), JPEG (baseline, DC-only blocks: 8x8 flat tiles), WebP lossless (VP8L,
// fixed 8-bit prefix codes), and a minimal AVIF container that sniffs as AVIF but has no AV1 payload.
// The demo seeds its store with these, the tests round-trip them, the browser test renders them.
import { deflateSync } from 'node:zlib'

/** @typedef {'png' | 'gif' | 'jpg' | 'webp' | 'avif'} SampleFormat */
/** @typedef {{ width: number, height: number, seed?: number }} SampleOptions */
/** @typedef {{ name: string, format: SampleFormat, width: number, height: number, bytes: Uint8Array }} SampleImage */

/** Formats {@link generateImage} produces. Only `avif` does not decode (container only). */
export const SAMPLE_FORMATS = /** @type {const} */ (['png', 'gif', 'jpg', 'webp', 'avif'])

/**
 * A deterministic RGB pattern (gradients plus a seed-dependent stripe) so every size and seed gives
 * different bytes, and a decoded image can be checked roughly by eye.
 * @param {number} x @param {number} y @param {number} w @param {number} h @param {number} seed
 * @returns {[number, number, number]}
 */
export function samplePixel(x, y, w, h, seed = 0) {
  const r = Math.round((x / Math.max(1, w - 1)) * 255)
  const g = Math.round((y / Math.max(1, h - 1)) * 255)
  const b = (((x + y + seed * 7) >> 3) & 1) === 0 ? (seed * 53) & 255 : 255 - ((seed * 53) & 255)
  return [r, g, b]
}

// ---------- PNG ----------
const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

/** @param {Uint8Array} bytes */
function crc32(bytes) {
  let c = 0xffffffff
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/** @param {number[]} parts */
const u32be = (n) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]

/** One PNG chunk: length, type, data, CRC. Also used by the benches' PNG builders. @param {string} type @param {Uint8Array} data */
export function pngChunk(type, data) {
  const typed = new Uint8Array(4 + data.length)
  for (let i = 0; i < 4; i++) typed[i] = type.charCodeAt(i)
  typed.set(data, 4)
  return concat([new Uint8Array(u32be(data.length)), typed, new Uint8Array(u32be(crc32(typed)))])
}

/** The parts joined into one buffer. @param {Uint8Array[]} parts */
export function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

/** @param {SampleOptions} o */
function png({ width, height, seed = 0 }) {
  const raw = new Uint8Array(height * (1 + width * 3))
  let o = 0
  for (let y = 0; y < height; y++) {
    raw[o++] = 0 // filter: none
    for (let x = 0; x < width; x++) {
      const [r, g, b] = samplePixel(x, y, width, height, seed)
      raw[o++] = r
      raw[o++] = g
      raw[o++] = b
    }
  }
  const ihdr = new Uint8Array([...u32be(width), ...u32be(height), 8, 2, 0, 0, 0])
  return concat([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', new Uint8Array(deflateSync(raw))),
    pngChunk('IEND', new Uint8Array(0)),
  ])
}

// ---------- bit writers ----------
/** LSB-first bit packing (GIF LZW, WebP VP8L). */
class LsbBitWriter {
  constructor() {
    /** @type {number[]} */ this.bytes = []
    this.acc = 0
    this.n = 0
  }
  /** @param {number} value @param {number} bits */
  write(value, bits) {
    for (let i = 0; i < bits; i++) {
      this.acc |= ((value >>> i) & 1) << this.n
      if (++this.n === 8) {
        this.bytes.push(this.acc)
        this.acc = 0
        this.n = 0
      }
    }
  }
  finish() {
    if (this.n > 0) this.bytes.push(this.acc)
    return new Uint8Array(this.bytes)
  }
}

// ---------- GIF ----------
/** @param {number} v */
const cube = (v) => Math.min(5, Math.round(v / 51))

/** @param {SampleOptions} o */
function gif({ width, height, seed = 0 }) {
  const palette = new Uint8Array(256 * 3)
  for (let i = 0; i < 216; i++) {
    palette[i * 3] = Math.floor(i / 36) * 51
    palette[i * 3 + 1] = (Math.floor(i / 6) % 6) * 51
    palette[i * 3 + 2] = (i % 6) * 51
  }
  // LZW with 9-bit codes only: a clear code every 250 literals keeps the table below 512 entries,
  // so the code size never grows. Larger than real LZW output, trivially correct.
  const w = new LsbBitWriter()
  const CLEAR = 256
  const EOI = 257
  w.write(CLEAR, 9)
  let run = 0
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = samplePixel(x, y, width, height, seed)
      w.write(cube(r) * 36 + cube(g) * 6 + cube(b), 9)
      if (++run === 250) {
        w.write(CLEAR, 9)
        run = 0
      }
    }
  }
  w.write(EOI, 9)
  const lzw = w.finish()
  /** @type {number[]} */
  const blocks = []
  for (let i = 0; i < lzw.length; i += 255) {
    const part = lzw.subarray(i, i + 255)
    blocks.push(part.length, ...part)
  }
  blocks.push(0)
  const le16 = (/** @type {number} */ n) => [n & 255, n >> 8]
  return concat([
    new Uint8Array([...'GIF89a'].map((c) => c.charCodeAt(0))),
    new Uint8Array([...le16(width), ...le16(height), 0xf7, 0, 0]),
    palette,
    new Uint8Array([0x2c, 0, 0, 0, 0, ...le16(width), ...le16(height), 0, 8]),
    new Uint8Array(blocks),
    new Uint8Array([0x3b]),
  ])
}

// ---------- JPEG (baseline, DC-only) ----------
const DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
const DC_VALS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]

/** Canonical Huffman codes (JPEG Annex C). @param {number[]} bits @param {number[]} vals */
function huffCodes(bits, vals) {
  /** @type {Map<number, [number, number]>} */
  const codes = new Map()
  let code = 0
  let k = 0
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < bits[len - 1]; i++) codes.set(vals[k++], [code++, len])
    code <<= 1
  }
  return codes
}

/** @param {SampleOptions} o */
function jpeg({ width, height, seed = 0 }) {
  const dc = huffCodes(DC_BITS, DC_VALS)
  /** @type {number[]} */
  const out = []
  let acc = 0
  let n = 0
  const put = (/** @type {number} */ value, /** @type {number} */ bits) => {
    for (let i = bits - 1; i >= 0; i--) {
      acc = (acc << 1) | ((value >>> i) & 1)
      if (++n === 8) {
        out.push(acc)
        if (acc === 0xff) out.push(0) // byte stuffing
        acc = 0
        n = 0
      }
    }
  }
  const prev = [0, 0, 0]
  const bw = Math.ceil(width / 8)
  const bh = Math.ceil(height / 8)
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      const sum = [0, 0, 0]
      let count = 0
      for (let y = by * 8; y < Math.min(height, by * 8 + 8); y++) {
        for (let x = bx * 8; x < Math.min(width, bx * 8 + 8); x++) {
          const [r, g, b] = samplePixel(x, y, width, height, seed)
          sum[0] += 0.299 * r + 0.587 * g + 0.114 * b
          sum[1] += -0.1687 * r - 0.3313 * g + 0.5 * b + 128
          sum[2] += 0.5 * r - 0.4187 * g - 0.0813 * b + 128
          count++
        }
      }
      for (let c = 0; c < 3; c++) {
        // With a DC quantiser of 8 the quantised DC equals the block mean minus 128.
        const q = Math.max(-128, Math.min(127, Math.round(sum[c] / count - 128)))
        const diff = q - prev[c]
        prev[c] = q
        const mag = Math.abs(diff)
        const cat = mag === 0 ? 0 : 32 - Math.clz32(mag)
        const [code, len] = /** @type {[number, number]} */ (dc.get(cat))
        put(code, len)
        if (cat > 0) put(diff >= 0 ? diff : diff + (1 << cat) - 1, cat)
        put(0, 1) // AC: the single 1-bit code "0" is EOB
      }
    }
  }
  if (n > 0) {
    acc = (acc << (8 - n)) | ((1 << (8 - n)) - 1)
    out.push(acc)
    if (acc === 0xff) out.push(0)
  }
  const be16 = (/** @type {number} */ v) => [v >> 8, v & 255]
  const quant = new Array(64).fill(16)
  quant[0] = 8
  return new Uint8Array([
    0xff, 0xd8,
    0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
    0xff, 0xdb, 0, 67, 0, ...quant,
    0xff, 0xc0, 0, 17, 8, ...be16(height), ...be16(width), 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0,
    0xff, 0xc4, ...be16(3 + 16 + DC_VALS.length), 0x00, ...DC_BITS, ...DC_VALS,
    0xff, 0xc4, ...be16(3 + 16 + 1), 0x10, 1, ...new Array(15).fill(0), 0x00,
    0xff, 0xda, 0, 12, 3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 63, 0,
    ...out,
    0xff, 0xd9,
  ])
}

// ---------- WebP lossless (VP8L) ----------
/** @param {SampleOptions} o */
function webp({ width, height, seed = 0 }) {
  if (width > 16384 || height > 16384) throw new RangeError('VP8L images are at most 16384 pixels a side')
  const w = new LsbBitWriter()
  w.write(0x2f, 8)
  w.write(width - 1, 14)
  w.write(height - 1, 14)
  w.write(0, 1) // alpha_is_used
  w.write(0, 3) // version
  w.write(0, 1) // no transform
  w.write(0, 1) // no color cache
  w.write(0, 1) // no meta prefix codes
  // A "normal" prefix code giving all 256 literal symbols length 8: the code-length code has two
  // 1-bit symbols, 0 and 8 (kCodeLengthCodeOrder positions 2 and 11).
  const fixed8 = (/** @type {number} */ alphabet) => {
    w.write(0, 1) // normal code
    w.write(12 - 4, 4)
    for (let i = 0; i < 12; i++) w.write(i === 2 || i === 11 ? 1 : 0, 3)
    w.write(0, 1) // max_symbol = alphabet size
    for (let s = 0; s < alphabet; s++) w.write(s < 256 ? 1 : 0, 1)
  }
  fixed8(256 + 24) // green + length prefixes
  fixed8(256) // red
  fixed8(256) // blue
  w.write(1, 1) // alpha: simple code, one 8-bit symbol 255 (zero bits per pixel)
  w.write(0, 1)
  w.write(1, 1)
  w.write(255, 8)
  w.write(1, 1) // distance: simple code, one 1-bit symbol 0
  w.write(0, 1)
  w.write(0, 1)
  w.write(0, 1)
  // Prefix codes are read bit by bit from their most significant bit.
  const code8 = (/** @type {number} */ v) => {
    for (let i = 7; i >= 0; i--) w.write((v >> i) & 1, 1)
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = samplePixel(x, y, width, height, seed)
      code8(g)
      code8(r)
      code8(b)
    }
  }
  const data = w.finish()
  const pad = data.length & 1
  const le32 = (/** @type {number} */ v) => [v & 255, (v >> 8) & 255, (v >> 16) & 255, (v >>> 24) & 255]
  const ascii = (/** @type {string} */ s) => [...s].map((c) => c.charCodeAt(0))
  return concat([
    new Uint8Array([...ascii('RIFF'), ...le32(4 + 8 + data.length + pad), ...ascii('WEBP'), ...ascii('VP8L'), ...le32(data.length)]),
    data,
    new Uint8Array(pad),
  ])
}

// ---------- AVIF (container only) ----------
/** @param {SampleOptions} o */
function avif({ width, height, seed = 0 }) {
  const ascii = (/** @type {string} */ s) => [...s].map((c) => c.charCodeAt(0))
  const ftyp = [0, 0, 0, 28, ...ascii('ftypavif'), 0, 0, 0, 0, ...ascii('avifmif1miaf')]
  // An mdat whose payload depends on the options, so different samples differ; it is not AV1.
  const payload = [...u32be(width), ...u32be(height), seed & 255]
  const mdat = [...u32be(8 + payload.length), ...ascii('mdat'), ...payload]
  return new Uint8Array([...ftyp, ...mdat])
}

const GENERATORS = { png, gif, jpg: jpeg, webp, avif }

/**
 * Generates one sample image.
 *
 * @example
 * ```js
 * import { generateImage } from './scripts/lib/sample-images.mjs'
 * const bytes = generateImage('png', { width: 64, height: 48, seed: 1 }) // a real, decodable PNG
 * ```
 * @param {SampleFormat} format
 * @param {SampleOptions} options
 * @returns {Uint8Array}
 */
export function generateImage(format, options) {
  const gen = GENERATORS[format]
  if (!gen) throw new TypeError(`unknown sample format ${String(format)}`)
  const { width, height } = options
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 4096 || height > 4096) {
    throw new RangeError('width and height must be integers from 1 to 4096')
  }
  return gen(options)
}

/**
 * A dozen decodable images of several formats and sizes (PNG, GIF, JPEG, WebP), for seeding a demo.
 *
 * @example
 * ```js
 * for (const s of generateSampleImages()) await saveImage(s.bytes, 'demo')
 * ```
 * @returns {SampleImage[]}
 */
export function generateSampleImages() {
  /** @type {[SampleFormat, number, number][]} */
  const plan = [
    ['png', 32, 32], ['png', 160, 120], ['png', 640, 480],
    ['gif', 48, 48], ['gif', 200, 150], ['gif', 320, 240],
    ['jpg', 64, 64], ['jpg', 256, 192], ['jpg', 800, 600],
    ['webp', 40, 40], ['webp', 180, 120], ['webp', 400, 300],
  ]
  return plan.map(([format, width, height], i) => ({
    name: `sample-${i + 1}-${width}x${height}.${format}`,
    format,
    width,
    height,
    bytes: generateImage(format, { width, height, seed: i + 1 }),
  }))
}
