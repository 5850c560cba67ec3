import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // each test waits on real sockets and events; 20 s is a ceiling for a hang, not an expected duration
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
