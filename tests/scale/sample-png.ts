// Decodable PNGs from a seed (the demo's generator), typed here because the demo module is plain JS.
// Instances and the test both call this, so the test knows exactly which bytes a seed stands for.
const demo = (await import('../../scripts/lib/sample-images.mjs' as string)) as {
  generateImage(format: 'png', options: { width: number; height: number; seed: number }): Uint8Array
}

export const samplePng = (seed: number): Uint8Array => demo.generateImage('png', { width: 24 + (seed % 8), height: 24, seed })
