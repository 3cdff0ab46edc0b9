// Typed access to scripts/lib/sample-images.mjs (plain ESM JS with JSDoc) for the TS tests.
// @ts-ignore -- a .mjs module without a declaration file
import * as samples from '../../scripts/lib/sample-images.mjs'

export type SampleFormat = 'png' | 'gif' | 'jpg' | 'webp' | 'avif'

export const generateImage = samples.generateImage as (
  format: SampleFormat,
  options: { width: number; height: number; seed?: number },
) => Uint8Array

/** One PNG chunk: length, type, data, CRC-32 of type + data. */
export const pngChunk = samples.pngChunk as (type: string, data: Uint8Array) => Uint8Array

/** The parts joined into one buffer. */
export const concat = samples.concat as (parts: Uint8Array[]) => Uint8Array
