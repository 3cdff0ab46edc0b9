// Renders the roster's SVG drawings to real image files with sharp (libvips): avatars as PNG,
// photos as JPEG with a film grain laid over them, so the bytes look and compress like photographs.
import sharp from 'sharp'
import { avatarSvg } from './avatar-svg.mjs'
import { createRng } from './prng.mjs'
import { sceneSvg } from './scene-svg.mjs'

const GRAIN_TILE = 256

function grain(width, height, seed, strength) {
  const rng = createRng(seed)
  const pixels = Buffer.alloc(width * height * 4)
  for (let i = 0; i < pixels.length; i += 4) {
    const v = rng.next() < 0.5 ? 0 : 255
    pixels[i] = v
    pixels[i + 1] = v
    pixels[i + 2] = v
    pixels[i + 3] = Math.floor(rng.next() * strength)
  }
  return pixels
}

/**
 * @param {Parameters<typeof avatarSvg>[0]} options
 * @returns {Promise<Buffer>} PNG bytes
 * @example
 * const png = await renderAvatar({ initials: 'MO', number: 9, colors, seed: 3, size: 512 })
 */
export async function renderAvatar(options) {
  return sharp(Buffer.from(avatarSvg(options))).png({ compressionLevel: 9 }).toBuffer()
}

/**
 * @param {Parameters<typeof sceneSvg>[0]} options
 * @returns {Promise<Buffer>} JPEG bytes
 * @example
 * const jpeg = await renderScene({ kind: 'valley', seed: 12, width: 1200, height: 800 })
 */
export async function renderScene(options) {
  const { seed } = options
  const base = await sharp(Buffer.from(sceneSvg(options))).png({ compressionLevel: 0 }).toBuffer()
  // One 256 px grain tile repeated: drawing a full-size noise layer costs more than the rest.
  return sharp(base)
    .composite([{ input: grain(GRAIN_TILE, GRAIN_TILE, seed ^ 0x5eed, 34), raw: { width: GRAIN_TILE, height: GRAIN_TILE, channels: 4 }, tile: true, blend: 'overlay' }])
    .jpeg({ quality: 84 })
    .toBuffer()
}
