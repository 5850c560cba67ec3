/**
 * The 60 s half-open network of issue 11 with the product's default settings (keep-alive 15 s, ack
 * timeout 30 s): the dead socket must be noticed within 45 s, then every message of the 100-message
 * burst reaches its contact once, with its id. Too slow for `pnpm test`, which runs a shorter one.
 */
import { afterEach, describe, it } from "vitest";
import { burstThroughBlackhole } from "../half-open-burst.js";
import { linkSession, type SimulatedKabar, startSimulatedKabar } from "../outbox-simulated.js";

let harness: SimulatedKabar | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

describe("a 60 s blackhole with default settings", () => {
  it("is noticed within 45 s and the burst arrives whole, each message once", async () => {
    harness = await startSimulatedKabar({ kabar: { ackTimeoutMs: 30_000 } });
    await linkSession(harness);
    await burstThroughBlackhole(harness, {
      total: 100,
      blackholeAfter: 20,
      seconds: 60,
      detectWithinMs: 45_000,
    });
  });
});
