// A photo-like scene as SVG: sky, sun, layered hills, and either a football pitch (mown stripes,
// white lines, goal) or a lake; the renderer adds film grain on top. Drawn from a seed so the same
// player always has the same photos.
import { createRng } from './prng.mjs'

/** The kinds of scene {@link sceneSvg} draws. */
export const SCENE_KINDS = /** @type {const} */ (['pitch', 'valley', 'dusk'])

const SKIES = {
  pitch: ['#5a9fd8', '#a9d3f0', '#e9f3f8'],
  valley: ['#3d7cc2', '#8cc0e6', '#f1e8d0'],
  dusk: ['#2b2d5c', '#c8617a', '#f6b26b'],
}

function ridge(rng, width, baseY, amplitude, points) {
  const step = width / (points - 1)
  let d = `M 0 ${baseY}`
  let prevX = 0
  let prevY = baseY
  for (let i = 1; i < points; i++) {
    const x = i * step
    const y = baseY - rng.range(0.2, 1) * amplitude
    const cx = (prevX + x) / 2
    d += ` C ${cx} ${prevY}, ${cx} ${y}, ${x} ${y}`
    prevX = x
    prevY = y
  }
  return `${d} L ${width} ${baseY + 2000} L 0 ${baseY + 2000} Z`
}

function trees(rng, width, y, count, color) {
  let out = ''
  for (let i = 0; i < count; i++) {
    const x = rng.range(0, width)
    const h = rng.range(28, 70)
    out += `<path d="M ${x} ${y - h} L ${x - h * 0.32} ${y} L ${x + h * 0.32} ${y} Z" fill="${color}"/>`
  }
  return out
}

function pitch(width, height, horizon, rng) {
  const stripes = 9
  let out = ''
  // Perspective: the pitch widens from the far touchline to the bottom edge.
  for (let i = 0; i < stripes; i++) {
    const t0 = i / stripes
    const t1 = (i + 1) / stripes
    const y0 = horizon + (height - horizon) * t0 ** 1.6
    const y1 = horizon + (height - horizon) * t1 ** 1.6
    out += `<rect x="0" y="${y0}" width="${width}" height="${y1 - y0 + 1}" fill="${i % 2 ? '#4f9a3c' : '#5aa845'}"/>`
  }
  const far = horizon + 18
  const l = width * 0.18
  const r = width * 0.82
  const line = 'stroke="#f4f7f2" stroke-opacity="0.85" fill="none" stroke-linejoin="round"'
  out += `<path d="M ${l} ${far} L ${r} ${far} L ${width + 80} ${height + 20} L -80 ${height + 20} Z" ${line} stroke-width="4"/>`
  const mid = horizon + (height - horizon) * 0.35
  out += `<path d="M ${l - 60} ${mid} L ${r + 60} ${mid}" ${line} stroke-width="4"/>`
  out += `<ellipse cx="${width / 2}" cy="${mid}" rx="${width * 0.12}" ry="${(height - horizon) * 0.08}" ${line} stroke-width="4"/>`
  const gx = width / 2 + rng.range(-40, 40)
  out += `<path d="M ${gx - 70} ${far} L ${gx - 70} ${far - 42} L ${gx + 70} ${far - 42} L ${gx + 70} ${far}" stroke="#ffffff" stroke-width="5" fill="none"/>`
  out += `<path d="M ${gx - 66} ${far - 40} L ${gx + 66} ${far - 2}  M ${gx + 66} ${far - 40} L ${gx - 66} ${far - 2}" stroke="#ffffff" stroke-opacity="0.25" stroke-width="1.5"/>`
  const bx = rng.range(width * 0.3, width * 0.7)
  const by = rng.range(mid + 30, height - 40)
  out += `<ellipse cx="${bx + 8}" cy="${by + 12}" rx="16" ry="5" fill="#000" fill-opacity="0.25"/><circle cx="${bx}" cy="${by}" r="12" fill="#fafafa"/><path d="M ${bx - 4} ${by - 4} l 6 0 l 2 5 l -5 4 l -5 -4 Z" fill="#222"/>`
  return out
}

function lake(width, height, horizon, sky) {
  return `<rect x="0" y="${horizon + 30}" width="${width}" height="${height * 0.16}" fill="${sky[1]}" fill-opacity="0.75"/>
  <rect x="0" y="${horizon + 30}" width="${width}" height="${height * 0.16}" fill="url(#water)"/>`
}

/**
 * @param {{ kind: typeof SCENE_KINDS[number], seed: number, width: number, height: number, accent?: string }} options
 * @returns {string} an SVG document (no grain: see renderScene)
 * @example
 * const svg = sceneSvg({ kind: 'pitch', seed: 4, width: 1200, height: 800 })
 */
export function sceneSvg({ kind, seed, width, height, accent = '#d94a3a' }) {
  const rng = createRng(seed * 104729 + 3)
  const sky = SKIES[kind]
  const horizon = height * rng.range(0.46, 0.56)
  const sunX = rng.range(width * 0.15, width * 0.85)
  const sunY = kind === 'dusk' ? horizon - rng.range(10, 60) : rng.range(height * 0.1, horizon * 0.5)
  const sunColor = kind === 'dusk' ? '#ffd27a' : '#fff6d5'
  const far = kind === 'dusk' ? '#5a4a72' : '#7ea3b8'
  const mid = kind === 'dusk' ? '#3e3556' : '#5d8a5a'
  const near = kind === 'dusk' ? '#2a2a3d' : '#447a3c'
  let clouds = ''
  for (let i = 0; i < 5; i++) {
    const cx = rng.range(0, width)
    const cy = rng.range(height * 0.06, horizon * 0.6)
    const s = rng.range(0.6, 1.5)
    clouds += `<g fill="#fff" fill-opacity="${kind === 'dusk' ? 0.18 : 0.55}" transform="translate(${cx} ${cy}) scale(${s})"><ellipse cx="0" cy="0" rx="70" ry="22"/><ellipse cx="40" cy="-14" rx="44" ry="24"/><ellipse cx="-36" cy="-8" rx="36" ry="18"/></g>`
  }
  const ground =
    kind === 'pitch'
      ? pitch(width, height, horizon, rng)
      : `<path d="${ridge(rng, width, horizon + 40, 60, 5)}" fill="${near}"/>${kind === 'valley' ? lake(width, height, horizon, sky) : ''}<path d="${ridge(rng, width, height * 0.86, 50, 4)}" fill="${kind === 'dusk' ? '#1c1c2a' : '#3a6b33'}"/>`
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
  <defs>
    <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="${sky[0]}"/><stop offset="0.7" stop-color="${sky[1]}"/><stop offset="1" stop-color="${sky[2]}"/>
    </linearGradient>
    <radialGradient id="glow"><stop offset="0" stop-color="${sunColor}" stop-opacity="0.9"/><stop offset="1" stop-color="${sunColor}" stop-opacity="0"/></radialGradient>
    <linearGradient id="haze" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#fff" stop-opacity="0"/><stop offset="1" stop-color="#fff" stop-opacity="0.35"/></linearGradient>
    <linearGradient id="water" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#fff" stop-opacity="0.35"/><stop offset="1" stop-color="#1d4f7a" stop-opacity="0.5"/></linearGradient>
    <radialGradient id="vignette" cx="0.5" cy="0.5" r="0.75"><stop offset="0.6" stop-color="#000" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="0.35"/></radialGradient>
  </defs>
  <rect width="${width}" height="${height}" fill="url(#sky)"/>
  <circle cx="${sunX}" cy="${sunY}" r="${height * 0.22}" fill="url(#glow)"/>
  <circle cx="${sunX}" cy="${sunY}" r="${height * 0.045}" fill="${sunColor}"/>
  ${clouds}
  <path d="${ridge(rng, width, horizon - 10, height * 0.16, 6)}" fill="${far}"/>
  <rect x="0" y="${horizon - height * 0.2}" width="${width}" height="${height * 0.2}" fill="url(#haze)"/>
  <path d="${ridge(rng, width, horizon + 10, height * 0.09, 7)}" fill="${mid}"/>
  ${trees(rng, width, horizon + 14, 14, kind === 'dusk' ? '#1f1f30' : '#2f5a2c')}
  ${ground}
  <rect x="${rng.range(40, width - 200)}" y="${height - 46}" width="${rng.range(60, 140)}" height="6" fill="${accent}" fill-opacity="0.0"/>
  <rect width="${width}" height="${height}" fill="url(#vignette)"/>
</svg>`
}
