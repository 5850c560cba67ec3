/** The phone logs the device out mid-burst; the admin re-links; the outbox finishes the burst. */
import { afterEach, expect, it } from "vitest";
import { runBurst } from "../../src/burst.js";
import { scaled } from "../../src/scale.js";
import { linkSession, type SimulatedKabar, startSimulatedKabar } from "../../src/simulated-kabar.js";
import { sessionReaches } from "../../src/waits.js";

let harness: SimulatedKabar | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

const total = scaled(60, 300);

it(`logout mid-burst of ${total}, then re-link: every message delivered once`, async () => {
  harness = await startSimulatedKabar();
  const { simulator, kabar } = harness;
  await linkSession(kabar, simulator);
  const loggedOut = sessionReaches(kabar, (status) => status.state === "logged_out", 120_000);
  let isLoggedOut = false;
  const result = await runBurst(harness, {
    scenario: "logout-relink",
    total,
    onArrival(arrived) {
      if (!isLoggedOut && arrived >= Math.floor(total / 3)) {
        isLoggedOut = true;
        simulator.phone.logout();
      }
    },
    async afterQueued() {
      await loggedOut;
      await linkSession(kabar, simulator);
    },
  });
  expect(isLoggedOut).toBe(true);
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
