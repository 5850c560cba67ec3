import { defineConfig } from "vitest/config";

// The real library is module-global and the machine has 2 cores: one file at a time.
export default defineConfig({
  test: {
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 120_000,
    include: ["test/**/*.test.ts"],
  },
});
