// How both entries (initPixstoreBackend, initPixstoreFrontend) read a config object, with the same
// rules on both sides:
// - own properties only: a polluted Object.prototype must not turn into settings (a listen address,
//   a CORS origin, a proof lifetime, an endpoint URL) nobody wrote;
// - unknown keys are errors: a typo (`secrect`) must not silently run with the default;
// - `undefined` means "not set", so spreading optional values stays convenient.
// The checks below give every setting the same message shape, naming the key, never the value.
import { PixstoreError } from './errors.js'

function invalid(message: string): never {
  throw new PixstoreError('CONFIG_INVALID', message)
}

/**
 * The set options of `config` as a prototype-less object holding its own properties only. Throws
 * `CONFIG_INVALID` when `config` is not a plain object or names a key outside `known`.
 *
 * @example
 * ```ts
 * const c = readConfig(userConfig, ['dataDir', 'secret'] as const)
 * if (c.dataDir !== undefined) dataDir = configString('dataDir', c.dataDir)
 * ```
 */
export function readConfig<K extends string>(config: unknown, known: readonly K[], what = 'config'): { [P in K]?: unknown } {
  if (config === undefined) return Object.create(null) as { [P in K]?: unknown }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) invalid(`${what} must be an object`)
  const out = Object.create(null) as Record<string, unknown>
  for (const key of Object.keys(config)) {
    if (!(known as readonly string[]).includes(key)) invalid(`unknown ${what} key "${key}"`)
    const value = (config as Record<string, unknown>)[key]
    if (value !== undefined) out[key] = value
  }
  return out as { [P in K]?: unknown }
}

/** An integer from `min` to `max`, else `CONFIG_INVALID` naming `name`. */
export function configInteger(name: string, value: unknown, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    invalid(`${name} must be an integer from ${min} to ${max}`)
  }
  return value
}

/** A non-blank string, else `CONFIG_INVALID` naming `name`. */
export function configString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') invalid(`${name} must be a non-empty string`)
  return value
}

/** A boolean, else `CONFIG_INVALID` naming `name`. */
export function configBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') invalid(`${name} must be a boolean`)
  return value
}

/** One of `options`, else `CONFIG_INVALID` listing them. */
export function configOneOf<T extends string>(name: string, value: unknown, options: readonly T[]): T {
  if (!options.includes(value as T)) invalid(`${name} must be one of ${options.join(', ')}`)
  return value as T
}

/** A function, else `CONFIG_INVALID` naming `name`. */
export function configFunction<F extends (...args: never[]) => unknown>(name: string, value: unknown): F {
  if (typeof value !== 'function') invalid(`${name} must be a function`)
  return value as F
}
