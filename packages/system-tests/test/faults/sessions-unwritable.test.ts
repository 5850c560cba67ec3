/**
 * wa_sessions/ becomes unwritable mid-burst (a read-only bind mount: we run as root, so chmod would
 * not stop a write) and a socket drop forces a reconnect while it is; then it is writable again.
 * The session status must say so while it is (the admin must not restart then) and clear after.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { runBurst } from "../../src/burst.js";
import { makeReadOnly, type ReadOnlyFolder } from "../../src/read-only-folder.js";
import { scaled } from "../../src/scale.js";
import {
  linkSession,
  SESSION_ID,
  type SimulatedKabar,
  startSimulatedKabar,
} from "../../src/simulated-kabar.js";
import { sessionReaches } from "../../src/waits.js";

let harness: SimulatedKabar | null = null;
let readOnly: ReadOnlyFolder | null = null;
afterEach(async () => {
  readOnly?.restore();
  readOnly = null;
  await harness?.close();
  harness = null;
});

const total = scaled(60, 300);
type Phase = "writable" | "read-only" | "restored";

it(`wa_sessions/ unwritable mid-burst of ${total}: every message delivered once`, async (context) => {
  harness = await startSimulatedKabar();
  const { simulator, kabar, sessionsDir } = harness;
  await linkSession(kabar, simulator);
  const probe = makeReadOnly(sessionsDir);
  if (!probe) {
    const reason =
      "mounting is not allowed here (needs CAP_SYS_ADMIN); no honest way to make the folder unwritable";
    // CI runs as root: there the scenario must run, never pass by skipping.
    if (process.env.CI) throw new Error(reason);
    context.skip(reason);
    return;
  }
  probe.restore();
  let phase: Phase = "writable";
  expect(kabar.sessions.status().storageProblem).toBeNull();
  // Every change of storageProblem, with the phase it was published in.
  const reports: { phase: Phase; problem: string | null }[] = [];
  let lastProblem: string | null = null;
  const stopWatching = kabar.events.on(({ event }) => {
    if (event.type !== "session.state" || event.status.storageProblem === lastProblem) return;
    lastProblem = event.status.storageProblem;
    reports.push({ phase, problem: lastProblem });
  });
  const result = await runBurst(harness, {
    scenario: "sessions-unwritable",
    total,
    onArrival(arrived) {
      if (phase === "writable" && arrived >= Math.floor(total / 4)) {
        phase = "read-only";
        readOnly = makeReadOnly(sessionsDir);
        expect(() => writeFileSync(path.join(sessionsDir, "probe"), "x")).toThrow(/EROFS/);
        simulator.faults.drop();
      } else if (phase === "read-only" && arrived >= Math.floor((total * 3) / 4)) {
        phase = "restored";
        readOnly?.restore();
      }
    },
    async afterQueued() {
      // If the burst stalls while read-only, restoring is what an operator would do.
      if (phase === "read-only") {
        await simulator.waitFor("message", () => phase === "restored", 30_000).catch(() => undefined);
        phase = "restored";
        readOnly?.restore();
      }
    },
  });
  expect(phase).toBe("restored");
  // The kept writes are retried every second once the folder takes them again.
  await sessionReaches(kabar, (status) => status.storageProblem === null, 30_000);
  stopWatching();
  const [reported, ...later] = reports;
  expect(reported?.phase).toBe("read-only");
  expect(reported?.problem).toContain(path.join(sessionsDir, SESSION_ID));
  expect(reported?.problem).toContain("EROFS");
  expect(later).toEqual([{ phase: "restored", problem: null }]);
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
