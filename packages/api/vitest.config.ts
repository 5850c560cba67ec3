import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Most files wait on sockets, timers and child processes rather than compute: two at once use both
    // cores (vitest's default on a 2-core machine is one file at a time).
    maxWorkers: 2,
  },
});
