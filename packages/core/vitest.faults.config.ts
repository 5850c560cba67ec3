import { defineConfig } from "vitest/config";

/**
 * `pnpm test:faults`: longer fault runs of the outbox against the simulator (outages, stream
 * errors, slow acks). Their files end in `.faults.ts` so the default `pnpm test` run does not pick
 * them up; one file at a time, because wa-multi-session keeps module-global state and the machine
 * has two cores.
 */
export default defineConfig({
  test: {
    // The order burst runs small in `pnpm test` and at full size here (FAULT_SCALE, see package.json).
    include: ["test/faults/**/*.faults.ts", "test/outbox-order-burst.test.ts"],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 60_000,
  },
});
