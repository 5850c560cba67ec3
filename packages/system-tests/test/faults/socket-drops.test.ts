/** Socket drops during a burst: the library reconnects, the outbox resends with the same ids. */
import { afterEach, expect, it } from "vitest";
import { runBurst } from "../../src/burst.js";
import { scaled } from "../../src/scale.js";
import { linkSession, type SimulatedKabar, startSimulatedKabar } from "../../src/simulated-kabar.js";

let harness: SimulatedKabar | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

const drops = scaled(10, 50);
const total = drops * 10;

it(`${drops} socket drops during a burst of ${total}: every message delivered once`, async () => {
  harness = await startSimulatedKabar();
  await linkSession(harness.kabar, harness.simulator);
  const { simulator } = harness;
  let dropped = 0;
  const result = await runBurst(harness, {
    scenario: `socket-drops-${drops}`,
    total,
    // Drop every 10th arrival, mid-burst with messages in flight.
    onArrival(arrived) {
      if (arrived % 10 === 5 && dropped < drops) {
        dropped += 1;
        simulator.faults.drop();
      }
    },
  });
  expect(dropped).toBe(drops);
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
