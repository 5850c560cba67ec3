/** Another process holds the database's write lock for seconds mid-burst. */
import { afterEach, expect, it } from "vitest";
import { runBurst } from "../../src/burst.js";
import { type DatabaseLock, holdWriteLock } from "../../src/database-lock.js";
import { scaled } from "../../src/scale.js";
import { linkSession, type SimulatedKabar, startSimulatedKabar } from "../../src/simulated-kabar.js";

let harness: SimulatedKabar | null = null;
let lock: DatabaseLock | null = null;
afterEach(async () => {
  lock?.abort();
  lock = null;
  await harness?.close();
  harness = null;
});

const total = scaled(60, 300);
const lockSeconds = scaled(3, 10);

it(`the database locked for ${lockSeconds} s mid-burst of ${total}: every message delivered once`, async () => {
  harness = await startSimulatedKabar();
  const { simulator, kabar } = harness;
  await linkSession(kabar, simulator);
  let lockedAt = 0;
  let locking: Promise<void> | null = null;
  const result = await runBurst(harness, {
    scenario: `database-locked-${lockSeconds}s`,
    total,
    onArrival(arrived) {
      if (locking || arrived < Math.floor(total / 4)) return;
      locking = (async () => {
        lock = await holdWriteLock(harness?.databaseUrl ?? "", lockSeconds);
        lockedAt = Date.now();
        await lock.released;
        console.log(`[fault] database lock released after ${Date.now() - lockedAt} ms`);
      })();
    },
    async afterQueued() {
      await locking;
    },
  });
  expect(lockedAt).toBeGreaterThan(0);
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
