// Proof layout `v1.<kid>.<exp>.<mac>` and the canonical MAC input. Every field of the MAC input is
// length-prefixed, so no two (id, scope, ...) tuples share an input (no `a:b` + `c` == `a` + `b:c`).

export const PROOF_VERSION = 'v1'
export const PROOF_DOMAIN = 'pixstore-proof'
/** Full HMAC-SHA-256 output: 43 base64url characters. */
export const PROOF_MAC_BYTES = 32
/** Longest proof string accepted before any parsing. */
export const MAX_PROOF_LENGTH = 128

const encoder = new TextEncoder()

/**
 * The bytes the MAC covers. No scope (`undefined`, or `null` from JavaScript callers) and scope `''`
 * are different inputs.
 */
export function proofMacInput(keyId: string, id: string, exp: number, scope: string | undefined | null): Uint8Array<ArrayBuffer> {
  const fields = [PROOF_DOMAIN, PROOF_VERSION, keyId, id, String(exp), scope == null ? '0' : '1', scope ?? ''].map(
    (f) => encoder.encode(f),
  )
  const out = new Uint8Array(fields.reduce((n, f) => n + 4 + f.length, 0))
  const view = new DataView(out.buffer)
  let o = 0
  for (const f of fields) {
    view.setUint32(o, f.length)
    out.set(f, o + 4)
    o += 4 + f.length
  }
  return out
}
