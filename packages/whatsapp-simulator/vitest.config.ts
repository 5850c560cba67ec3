import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // each test waits on real sockets and events; 20 s is a ceiling for a hang, not an expected duration
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Loading Baileys costs seconds per file on a busy machine; files reuse one module graph per worker.
    // Safe because every file uses its own session ids, simulator, port and credentials folder, and
    // wa-multi-session's global callbacks are registered once by the shared harness module.
    isolate: false,
  },
});
