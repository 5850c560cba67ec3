/**
 * WhatsApp answers 463 to five sends in a row mid-burst, as a restricted account would: each of those
 * recipients is held, five distinct ones within ten minutes pause the whole outbox with the
 * account-level reason, and a person resending the held messages (what the panel's button does)
 * gets everything delivered: nothing lost, nothing repeated.
 */
import type { Kabar } from "@kabar/core";
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

async function resendHeld(kabar: Kabar): Promise<number> {
  const { items } = await kabar.messages.list({ status: "held", limit: 100 });
  for (const item of items) await kabar.messages.resend(item.id);
  return items.length;
}

it(`463 from five recipients mid-burst of ${total}: held, paused, resent, every message delivered once`, async () => {
  harness = await startSimulatedKabar({ kabar: { restrictedCooldownMs: 60_000 } });
  await linkSession(harness.kabar, harness.simulator);
  const { simulator, kabar } = harness;
  let pausedReason: string | null = null;
  let resent: Promise<number> | null = null;
  const offPause = kabar.events.on(({ event }) => {
    if (event.type !== "session.state" || !event.status.outboxPausedReason || pausedReason) return;
    pausedReason = event.status.outboxPausedReason;
    resent = resendHeld(kabar);
  });
  let injected = false;
  const result = await runBurst(harness, {
    scenario: "error-463",
    total,
    onArrival(arrived) {
      if (!injected && arrived >= Math.floor(total / 3)) {
        injected = true;
        // Burst recipients rotate through twelve numbers: five sends in a row reach five of them.
        simulator.faults.sendError(463, 5);
      }
    },
  });
  offPause();
  expect(injected).toBe(true);
  expect(pausedReason).toMatch(/463 for 5 different recipients within 10 min: the account is restricted/);
  expect(await resent).toBeGreaterThanOrEqual(5);
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
