// `pixstore/backend`: API names of pixstore 3.2.1, so its users can switch.
export { initPixstoreBackend, closePixstoreBackend } from './init-backend.js'
export { saveImage } from './save-image.js'
export { saveImageFromFile } from './save-image-from-file.js'
export { updateImage } from './update-image.js'
export { updateImageFromFile } from './update-image-from-file.js'
export { deleteImage } from './delete-image.js'
export { imageExists } from './image-exists.js'
export { getImageRecord, type GetImageRecordOptions } from './get-image-record.js'
export { customEndpointHelper, type CustomEndpointOptions } from './custom-endpoint-helper.js'
export { customEndpointBatchHelper, type CustomEndpointBatchItem, type CustomEndpointBatchOptions } from './custom-endpoint-batch-helper.js'
export { startDefaultEndpoint, stopDefaultEndpoint, type EndpointAddress } from './endpoint/default-endpoint.js'
export { rewrapImageKeys } from './rewrap-image-keys.js'
export { regenerateVariants, type RegenerateVariantsOptions, type RegenerateVariantsResult } from './regenerate-variants.js'
export type { PixstoreBackendConfig, SecretInput } from './config/backend-config.js'
export type { AuthorizeDecision, AuthorizeHook, ServedEvent, ServedHook } from './serve/serve-hooks.js'
export type { StorageConfig } from './storage/create-storage.js'
export type { StorageAdapter } from './storage/contract.js'
export type { ImageInput } from './images/image-input.js'
export type { ImageRecord, ImageMeta, ImageInfo, ImageVariant, VariantPreset } from '../types/index.js'
// Error handling, re-exported for parity with pixstore (also under `pixstore/shared`).
export {
  setErrorHandlingMode,
  getErrorHandlingMode,
  setCustomErrorHandler,
  getLastPixstoreError,
  clearLastPixstoreError,
  type ErrorHandlingMode,
  type CustomErrorHandler,
} from '../shared/error-handling.js'
export { PixstoreError, isPixstoreError, type PixstoreErrorCode } from '../shared/errors.js'
