export { PixstoreError, isPixstoreError } from './errors.js'
export type { PixstoreErrorCode } from './errors.js'
export {
  setErrorHandlingMode,
  getErrorHandlingMode,
  setCustomErrorHandler,
  getLastPixstoreError,
  clearLastPixstoreError,
} from './error-handling.js'
export type { ErrorHandlingMode, CustomErrorHandler } from './error-handling.js'
