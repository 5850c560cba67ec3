import { defineConfig } from "vitest/config";

// Two files at once, each in its own process (the library is module-global per process): most of their
// time is spent waiting on servers, leases and simulated faults, not computing. Only built-server.test.ts
// builds dist/, and no other file here runs from it.
export default defineConfig({
  test: {
    maxWorkers: 2,
    testTimeout: 240_000,
    hookTimeout: 120_000,
    include: ["test/**/*.test.ts"],
  },
});
