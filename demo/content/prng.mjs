// A small seeded generator (mulberry32): the same seed draws the same avatar and the same scene on
// every machine, so a fresh data directory always holds the same roster.

/**
 * @param {number} seed any 32-bit integer
 * @returns {{ next(): number, range(min: number, max: number): number, pick<T>(list: readonly T[]): T }}
 * @example
 * const rng = createRng(7)
 * const x = rng.range(0, 100)
 */
export function createRng(seed) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    range: (min, max) => min + (max - min) * next(),
    pick: (list) => list[Math.floor(next() * list.length)],
  }
}
