/**
 * A half-open network (the simulator's blackhole: the socket stays open, nothing comes back) during
 * a burst: the product must notice, replace the socket, and deliver every message once with its id.
 * This run shortens Baileys' keep-alive so it fits `pnpm test`; the fault suite
 * (test/faults/half-open.faults.ts) runs the 60 s blackhole with the product's default settings and
 * asserts the 45 s detection.
 */
import { afterEach, describe, it } from "vitest";
import { burstThroughBlackhole } from "./half-open-burst.js";
import { linkSession, type SimulatedKabar, startSimulatedKabar } from "./outbox-simulated.js";

let harness: SimulatedKabar | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

describe("a half-open socket during a burst", () => {
  it("is noticed and replaced; every message reaches its contact once, with its id", async () => {
    harness = await startSimulatedKabar({ kabar: { keepAliveIntervalMs: 2_000 } });
    await linkSession(harness);
    // keep-alive 2 s: Baileys gives up after 2 × 2 s + 5 s at most
    await burstThroughBlackhole(harness, {
      total: 100,
      blackholeAfter: 20,
      seconds: 12,
      detectWithinMs: 10_000,
    });
  }, 120_000);
});
