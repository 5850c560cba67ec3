/**
 * Server acks delayed past the outbox's ack timeout: the outbox resends with the same WhatsApp id;
 * the question is whether a recipient sees anything twice (per-id arrival counts) or misses anything.
 */
import { afterEach, expect, it } from "vitest";
import { runBurst } from "../../src/burst.js";
import { scaled } from "../../src/scale.js";
import { linkSession, type SimulatedKabar, startSimulatedKabar } from "../../src/simulated-kabar.js";

let harness: SimulatedKabar | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

const total = scaled(40, 200);
const ackTimeoutMs = 1_000;

it(`acks delayed past the ${ackTimeoutMs} ms timeout mid-burst of ${total}: every message delivered once`, async () => {
  harness = await startSimulatedKabar({ kabar: { ackTimeoutMs } });
  await linkSession(harness.kabar, harness.simulator);
  const { simulator } = harness;
  let phase: "normal" | "delayed" | "restored" = "normal";
  const result = await runBurst(harness, {
    scenario: "acks-delayed",
    total,
    onArrival(arrived) {
      if (phase === "normal" && arrived >= Math.floor(total / 4)) {
        phase = "delayed";
        simulator.faults.acks("delay", ackTimeoutMs * 3);
      } else if (phase === "delayed" && arrived >= Math.floor(total / 2)) {
        phase = "restored";
        simulator.faults.acks("normal");
      }
    },
  });
  expect(phase).toBe("restored");
  expect(result).toMatchObject({
    sent: total,
    delivered: total,
    lost: 0,
    shownTwice: 0,
    copiesByContent: 0,
    unexpected: 0,
    undecrypted: 0,
  });
});
