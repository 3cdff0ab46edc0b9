import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Native modules (better-sqlite3), child processes and real servers: processes, not threads.
    pool: 'forks',
    // The suite provisions what it needs (Chromium, a throwaway PostgreSQL) once, see the file.
    globalSetup: ['tests/setup/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: keep heavy suites from starving each other.
    maxWorkers: 2,
  },
})
