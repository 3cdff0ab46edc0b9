/** The operations of a {@link WireCodec} that `auto` mode assigns one by one. */
export const CODEC_OPERATIONS = [
  'encodeWirePayload',
  'createFrame',
  'writeFrameHeader',
  'decodeWirePayload',
  'tokensEqual',
  'constantTimeEqual',
] as const

export type CodecOperation = (typeof CODEC_OPERATIONS)[number]

/** `wasm` and `ts` force one implementation; `auto` picks per operation from the benchmark table. */
export type CodecMode = 'wasm' | 'ts' | 'auto'
