// A player's avatar as SVG: a face-like illustration (head, hair, eyes, smile) in a shirt of the
// team's colours with the shirt number, and the player's initials in a badge. Drawn from a seed so
// each player keeps the same face.
import { createRng } from './prng.mjs'

const SKIN = ['#f2d0b5', '#e8b894', '#c98e66', '#a86b47', '#7b4a2d', '#5b3620']
const HAIR = ['#1f1a17', '#3b2a1e', '#6b4423', '#a0692f', '#d9b26f', '#8c8c8c', '#2a2f4a']

const esc = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c])

/**
 * @param {{ initials: string, number: number, colors: { primary: string, secondary: string }, seed: number, size?: number }} options
 * @returns {string} an SVG document
 * @example
 * const svg = avatarSvg({ initials: 'MO', number: 9, colors: { primary: '#0b3d91', secondary: '#f2c230' }, seed: 3 })
 */
export function avatarSvg({ initials, number, colors, seed, size = 512 }) {
  const rng = createRng(seed * 7919 + 17)
  const skin = rng.pick(SKIN)
  const hair = rng.pick(HAIR)
  const hairStyle = Math.floor(rng.next() * 3)
  const eyeY = 222 + rng.range(-6, 6)
  const smile = rng.range(8, 22)
  const headW = rng.range(92, 108)
  const headH = rng.range(112, 126)
  const bgAngle = Math.round(rng.range(0, 360))
  const top = 230 - headH * 1.5 // control points above the head, so the hair covers its crown
  const brow = 230 - headH * 0.45
  const hairPath = [
    // short crop
    `M ${256 - headW - 4} 228 C ${256 - headW - 8} ${top}, ${256 + headW + 8} ${top}, ${256 + headW + 4} 228 C ${256 + headW * 0.8} ${brow}, ${256 - headW * 0.8} ${brow}, ${256 - headW - 4} 228 Z`,
    // side part with a fringe
    `M ${256 - headW - 8} 240 C ${256 - headW - 14} ${top - 10}, ${256 + headW + 16} ${top - 10}, ${256 + headW + 8} 236 C ${256 + 40} ${brow - 10}, ${256 - 30} ${brow + 20}, ${256 - headW - 8} 240 Z`,
    // longer hair falling behind the ears
    `M ${256 - headW - 16} 320 C ${256 - headW - 34} ${top - 20}, ${256 + headW + 34} ${top - 20}, ${256 + headW + 16} 320 L ${256 + headW - 6} 320 C ${256 + headW} ${brow}, ${256 - headW} ${brow}, ${256 - headW + 6} 320 Z`,
  ][hairStyle]
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 512 512">
  <defs>
    <linearGradient id="bg" gradientTransform="rotate(${bgAngle} 0.5 0.5)">
      <stop offset="0" stop-color="${colors.primary}"/>
      <stop offset="1" stop-color="${colors.primary}" stop-opacity="0.65"/>
    </linearGradient>
    <radialGradient id="light" cx="0.35" cy="0.3" r="0.8">
      <stop offset="0" stop-color="#fff" stop-opacity="0.28"/>
      <stop offset="1" stop-color="#fff" stop-opacity="0"/>
    </radialGradient>
    <radialGradient id="cheek" cx="0.5" cy="0.5" r="0.5">
      <stop offset="0" stop-color="#e0675a" stop-opacity="0.35"/>
      <stop offset="1" stop-color="#e0675a" stop-opacity="0"/>
    </radialGradient>
  </defs>
  <rect width="512" height="512" fill="url(#bg)"/>
  <circle cx="256" cy="250" r="230" fill="${colors.secondary}" fill-opacity="0.18"/>
  <path d="M 70 512 C 80 390, 160 350, 256 350 C 352 350, 432 390, 442 512 Z" fill="${colors.secondary}"/>
  <path d="M 150 512 L 176 380 L 336 380 L 362 512 Z" fill="${colors.primary}" fill-opacity="0.9"/>
  <path d="M 214 352 L 256 400 L 298 352 Z" fill="${skin}"/>
  <text x="256" y="482" text-anchor="middle" font-family="DejaVu Sans, Arial, sans-serif" font-weight="700" font-size="76" fill="${colors.secondary}">${number}</text>
  <rect x="226" y="300" width="60" height="70" rx="18" fill="${skin}"/>
  <ellipse cx="${256 - headW + 2}" cy="245" rx="16" ry="24" fill="${skin}"/>
  <ellipse cx="${256 + headW - 2}" cy="245" rx="16" ry="24" fill="${skin}"/>
  <ellipse cx="256" cy="230" rx="${headW}" ry="${headH}" fill="${skin}"/>
  <path d="${hairPath}" fill="${hair}"/>
  <ellipse cx="214" cy="${eyeY}" rx="11" ry="13" fill="#fff"/>
  <ellipse cx="298" cy="${eyeY}" rx="11" ry="13" fill="#fff"/>
  <circle cx="216" cy="${eyeY + 2}" r="7" fill="#2b2118"/>
  <circle cx="300" cy="${eyeY + 2}" r="7" fill="#2b2118"/>
  <path d="M 196 ${eyeY - 22} q 18 -10 36 0 M 280 ${eyeY - 22} q 18 -10 36 0" stroke="${hair}" stroke-width="7" fill="none" stroke-linecap="round"/>
  <path d="M 256 ${eyeY + 12} q -9 30 2 36" stroke="#000" stroke-opacity="0.18" stroke-width="5" fill="none" stroke-linecap="round"/>
  <ellipse cx="196" cy="${eyeY + 44}" rx="22" ry="14" fill="url(#cheek)"/>
  <ellipse cx="316" cy="${eyeY + 44}" rx="22" ry="14" fill="url(#cheek)"/>
  <path d="M ${226} ${eyeY + 62} Q 256 ${eyeY + 62 + smile} ${286} ${eyeY + 62}" stroke="#7a2e2a" stroke-width="7" fill="none" stroke-linecap="round"/>
  <rect width="512" height="512" fill="url(#light)"/>
  <circle cx="428" cy="84" r="58" fill="#fff" fill-opacity="0.92"/>
  <text x="428" y="104" text-anchor="middle" font-family="DejaVu Sans, Arial, sans-serif" font-weight="700" font-size="54" fill="${colors.primary}">${esc(initials)}</text>
</svg>`
}
