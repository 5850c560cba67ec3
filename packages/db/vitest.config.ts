import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // the script tests start tsx child processes, about a second each on a busy machine
    testTimeout: 30_000,
    // most of the time goes to child processes (tsx, the Prisma CLI); two files at once use both cores
    maxWorkers: 2,
  },
});
