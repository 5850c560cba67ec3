/**
 * The outbox under the faults issue 4 names, through the real wa-multi-session + Baileys against
 * the simulator: socket drops mid-burst, and kill -9 of the sending process.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { WhatsAppSimulator } from "@kabar/whatsapp-simulator";
import { afterEach, describe, expect, it } from "vitest";
import { burstRecipient, countReaching } from "./outbox-harness.js";
import { spawnKabarChild } from "./support/kabar-child.js";
import {
  linkSession,
  expectDecryptedExactlyOnce,
  outboxDrained,
  receivedByContacts,
  SESSION_ID,
  type SimulatedKabar,
  sessionReaches,
  startSimulatedKabar,
} from "./outbox-simulated.js";

let harness: SimulatedKabar | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

/** Copies the contacts could not decrypt at first, each answered with a retry receipt. */
function countRetryReceipts(simulator: WhatsAppSimulator): () => number {
  let count = 0;
  simulator.on("retry-receipt", () => {
    count += 1;
  });
  return () => count;
}

describe("the outbox under faults", { timeout: 180_000 }, () => {
  it("delivers a 200-message burst exactly once each through 20 socket drops", async () => {
    harness = await startSimulatedKabar();
    await linkSession(harness);
    const { simulator, kabar } = harness;
    const retryReceipts = countRetryReceipts(simulator);
    let drops = 0;
    let arrivals = 0;
    // Drop the socket every 10th arrival: mid-burst, with messages in flight.
    simulator.on("message", ({ isDuplicate }) => {
      if (isDuplicate) return;
      arrivals += 1;
      if (arrivals % 10 === 5 && drops < 20) {
        drops += 1;
        simulator.faults.drop();
      }
    });
    const allSent = countReaching(kabar.events, "sent", 200, 150_000);
    for (let index = 0; index < 200; index += 1) {
      await kabar.messages.send({ to: burstRecipient(index), message: `Registrasi #${index} diterima` });
    }
    await allSent;

    expect(drops).toBe(20);
    await expectDecryptedExactlyOnce(harness, 200);
    console.info(`contacts asked for ${retryReceipts()} re-sends (retry receipts) in the 200-message burst`);
    expect(await kabar.messages.countByStatus()).toMatchObject({ queued: 0, sending: 0, failed: 0 });
    expect(existsSync(path.join(harness.sessionsDir, SESSION_ID, "creds.json"))).toBe(true);
    await sessionReaches(kabar, (status) => status.state === "connected");
    expect(kabar.stats().reconnects).toBeGreaterThanOrEqual(20);
  });

  it("delivers all of a 500-message burst exactly once after kill -9 of the sending process", async () => {
    harness = await startSimulatedKabar();
    await linkSession(harness);
    const { simulator } = harness;
    const retryReceipts = countRetryReceipts(simulator);
    // The child takes over the linked session: this process lets go of it first.
    await harness.kabar.close();
    const child = spawnKabarChild("outbox-burst-child.ts", [
      harness.databaseUrl,
      harness.sessionsDir,
      simulator.wsUrl,
      "500",
    ]);
    let signal: NodeJS.Signals | null = null;
    try {
      await child.printed("queued");
      // Kill it mid-burst, with a message in flight.
      await simulator.waitFor("message", () => receivedByContacts(simulator).length >= 120, 60_000);
    } finally {
      signal = await child.kill();
    }
    expect(signal).toBe("SIGKILL");
    const beforeRestart = receivedByContacts(simulator).length;
    expect(beforeRestart).toBeLessThan(500);

    const allArrived = simulator.waitFor(
      "message",
      () => receivedByContacts(simulator).length >= 500,
      120_000,
    );
    const kabar = await harness.restart();
    await allArrived;
    await outboxDrained(kabar);
    await expectDecryptedExactlyOnce({ simulator, kabar }, 500);
    console.info(`contacts asked for ${retryReceipts()} re-sends (retry receipts) in the 500-message burst`);
    const counts = await kabar.messages.countByStatus();
    expect(counts.queued + counts.sending + counts.failed).toBe(0);
    expect(counts.sent + counts.delivered + counts.read).toBe(500);
  });
});
