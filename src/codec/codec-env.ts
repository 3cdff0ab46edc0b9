/**
 * `PIXSTORE_CODEC` from the environment, or undefined where there is no `process` (browsers,
 * workers) or reading it is refused (Deno without --allow-env).
 */
export function readCodecEnv(): unknown {
  try {
    const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    return proc?.env?.PIXSTORE_CODEC
  } catch {
    return undefined
  }
}
