// Status values returned by the WASM exports; keep in sync with assembly/index.ts.
export const WASM_ERR_EMPTY = -1
export const WASM_ERR_UNKNOWN_STATE = -2
export const WASM_ERR_TRUNCATED = -3
export const WASM_ERR_TRAILING_BYTES = -4
export const WASM_ERR_TOKEN_RANGE = -5
