/**
 * Issue 11, item 15: a hung app-state blob download never blocks sends. Baileys downloads app-state
 * blobs inside its key-store transaction with no timeout (Socket/chats.js `resyncAppState`); the
 * adapter's key-store lanes keep that transaction apart from the sends' Signal keys, and its
 * deadline eventually frees what Baileys queued behind it (receipts). Real wa-multi-session +
 * Baileys through the product's adapter, against the simulator and its media host.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Kabar } from "../src/contract.js";
import { burstRecipient } from "./outbox-burst.js";
import {
  expectDecryptedExactlyOnce,
  linkSession,
  receivedByContacts,
  type SimulatedKabar,
  startSimulatedKabar,
} from "./outbox-simulated.js";

const MESSAGES = 100;
const MAX_GAP_MS = 50;
/** Long enough that a send held until the hung sync is abandoned could not fit in the budget. */
const LONG_DEADLINE_MS = 120_000;
/**
 * The pacing budget: every gap at its longest, plus room for a loaded two-core machine. It stays far
 * under LONG_DEADLINE_MS, so sends that waited for the hung sync would not fit in it.
 */
const BUDGET_MS = MESSAGES * MAX_GAP_MS + 40_000;
const SNAPSHOTS_AT_FIRST_SYNC = 4;

let harness: SimulatedKabar | null = null;
afterEach(async () => {
  harness?.simulator.faults.media("normal");
  await harness?.close();
  harness = null;
});

async function sendBurst(kabar: Kabar, count: number): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    await kabar.messages.send({ to: burstRecipient(index), message: `Nomor BIB #${index}` });
  }
}

/** Links, waits for the first app-state sync, then has the phone mute a chat while downloads hang. */
async function linkThenHangAnAppStateSync(keyTransactionDeadlineMs: number): Promise<SimulatedKabar> {
  const started = await startSimulatedKabar({
    settings: { minGapMs: 0, maxGapMs: MAX_GAP_MS },
    kabar: { keyTransactionDeadlineMs },
  });
  harness = started;
  const { simulator } = started;
  let snapshotsServed = 0;
  const firstSyncDone = simulator.waitFor("media-request", (request) => {
    if (request.method === "GET" && request.outcome === "served") snapshotsServed += 1;
    return snapshotsServed >= SNAPSHOTS_AT_FIRST_SYNC;
  });
  await linkSession(started);
  await firstSyncDone;
  // server_sync → Baileys resyncs inside a key-store transaction, and its patch download never answers
  simulator.faults.media("hang");
  const hung = simulator.waitFor("media-request", (request) => request.outcome === "hang");
  await simulator.phone.appState("mute", "6281299990001");
  await hung;
  return started;
}

/** How many of the outbox's messages a receipt has reached (delivered, or read: the two can merge). */
async function deliveredOrRead(kabar: Kabar): Promise<number> {
  const { items } = await kabar.messages.list({ limit: MESSAGES });
  return items.filter((item) => item.status === "delivered" || item.status === "read").length;
}

describe("sends while app-state blob downloads hang", { timeout: 180_000 }, () => {
  it("delivers all 100 within the pacing budget, each decrypting at its contact", async () => {
    const { simulator, kabar } = await linkThenHangAnAppStateSync(LONG_DEADLINE_MS);
    const started = Date.now();
    const decrypted = () =>
      receivedByContacts(simulator).filter((message) => message.decryptError === undefined).length;
    const allArrived = simulator.waitFor("message", () => decrypted() >= MESSAGES, BUDGET_MS);
    await sendBurst(kabar, MESSAGES);
    await allArrived.catch(async (error: unknown) => {
      throw new Error(
        `${String(error)}: ${receivedByContacts(simulator).length} arrived, ${decrypted()} decrypted, ${await deliveredOrRead(kabar)} delivered`,
      );
    });
    expect(Date.now() - started).toBeLessThan(BUDGET_MS);
    await expectDecryptedExactlyOnce({ simulator, kabar }, MESSAGES);
    expect(receivedByContacts(simulator).every((message) => message.count === 1)).toBe(true);
    // the download is still hanging: nothing waited for it
    expect(simulator.state().faults.media.mode).toBe("hang");

    // The host finally drops the stalled download: the sync fails, and the receipts Baileys held
    // behind it turn every status into delivered.
    simulator.faults.media("normal");
    await expect.poll(() => deliveredOrRead(kabar), { timeout: 60_000, interval: 500 }).toBe(MESSAGES);
  });

  it("abandons the hung sync at the key-store deadline, so receipts flow while the download still hangs", async () => {
    const { simulator, kabar } = await linkThenHangAnAppStateSync(3_000);
    await sendBurst(kabar, 5);
    await expect.poll(() => deliveredOrRead(kabar), { timeout: 30_000, interval: 250 }).toBe(5);
    expect(simulator.state().faults.media.mode).toBe("hang");
    await expectDecryptedExactlyOnce({ simulator, kabar }, 5);
  });
});
