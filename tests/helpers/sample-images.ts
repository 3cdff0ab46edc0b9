// Typed access to scripts/lib/sample-images.mjs (plain ESM JS with JSDoc) for the TS tests.
// @ts-ignore -- a .mjs module without a declaration file
import * as samples from '../../scripts/lib/sample-images.mjs'

export type SampleFormat = 'png' | 'gif' | 'jpg' | 'webp' | 'avif'

export const generateImage = samples.generateImage as (
  format: SampleFormat,
  options: { width: number; height: number; seed?: number },
) => Uint8Array
