/** WhatsApp answers 463 ("restricted") mid-burst: the outbox pauses, resumes, loses and repeats nothing. */
import { afterEach, expect, it } from "vitest";
import { runBurst } from "../../src/burst.js";
import { scaled } from "../../src/scale.js";
import { linkSession, type SimulatedKabar, startSimulatedKabar } from "../../src/simulated-kabar.js";

let harness: SimulatedKabar | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

const total = scaled(60, 300);

it(`463 mid-burst of ${total}: paused, resumed, every message delivered once`, async () => {
  // A short cooldown stands in for the production 15 minutes.
  harness = await startSimulatedKabar({ kabar: { restrictedCooldownMs: 1_000 } });
  await linkSession(harness.kabar, harness.simulator);
  const { simulator, kabar } = harness;
  let paused = false;
  const offPause = kabar.events.on(({ event }) => {
    if (event.type === "session.state" && event.status.outboxPausedReason) paused = true;
  });
  let injected = false;
  const result = await runBurst(harness, {
    scenario: "error-463",
    total,
    onArrival(arrived) {
      if (!injected && arrived >= Math.floor(total / 3)) {
        injected = true;
        simulator.faults.sendError(463, 3);
      }
    },
  });
  offPause();
  expect(injected).toBe(true);
  console.log(`[fault] error-463: outbox paused = ${paused}`);
  expect(result).toMatchObject({
    sent: total,
    delivered: total,
    lost: 0,
    duplicated: 0,
    unexpected: 0,
    undecrypted: 0,
  });
});
