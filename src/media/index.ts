// The image container module: header facts and a lossless metadata strip (backend ingest).
export type { ContainerCodec, ContainerFormat, ContainerMetadata, ImageContainerInfo, StripOptions } from './contract.js'
export { MAX_STRUCTURES, MAX_STRIP_PIECES } from './contract.js'
export { readImageContainer } from './read-image-container.js'
export { stripImageMetadata } from './strip-image-metadata.js'
export { getContainerCodec } from './get-container-codec.js'
