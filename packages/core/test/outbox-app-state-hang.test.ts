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
/**
 * The pacing budget: every gap at its longest, plus room for a loaded two-core machine. It stays
 * under the 30 s key-store deadline, so sends that waited for the hung sync to be abandoned would
 * not fit in it.
 */
const BUDGET_MS = MESSAGES * MAX_GAP_MS + 15_000;
const SNAPSHOTS_AT_FIRST_SYNC = 4;

let harness: SimulatedKabar | null = null;
afterEach(async () => {
  harness?.simulator.faults.media("normal");
  await harness?.close();
  harness = null;
});

async function sendBurst(kabar: Kabar): Promise<void> {
  for (let index = 0; index < MESSAGES; index += 1) {
    await kabar.messages.send({ to: burstRecipient(index), message: `Nomor BIB #${index}` });
  }
}

describe("sends while app-state blob downloads hang", { timeout: 120_000 }, () => {
  it("delivers all 100 within the pacing budget, each decrypting at its contact", async () => {
    harness = await startSimulatedKabar({ settings: { minGapMs: 0, maxGapMs: MAX_GAP_MS } });
    const { simulator, kabar } = harness;
    let snapshotsServed = 0;
    const firstSyncDone = simulator.waitFor("media-request", (request) => {
      if (request.method === "GET" && request.outcome === "served") snapshotsServed += 1;
      return snapshotsServed >= SNAPSHOTS_AT_FIRST_SYNC;
    });
    await linkSession(harness);
    await firstSyncDone;

    // The phone mutes a chat: server_sync → Baileys resyncs, and its patch download never answers.
    simulator.faults.media("hang");
    const hung = simulator.waitFor("media-request", (request) => request.outcome === "hang");
    await simulator.phone.appState("mute", "6281299990001");
    await hung;

    const started = Date.now();
    const decrypted = () =>
      receivedByContacts(simulator).filter((message) => message.decryptError === undefined).length;
    const allArrived = simulator.waitFor("message", () => decrypted() >= MESSAGES, BUDGET_MS);
    await sendBurst(kabar);
    await allArrived.catch(async (error: unknown) => {
      const statuses = (await kabar.messages.list({ limit: MESSAGES })).items.map((item) => item.status);
      const received = receivedByContacts(simulator);
      throw new Error(
        `${String(error)}: ${received.length} arrived, ${decrypted()} decrypted, statuses ${JSON.stringify(
          Object.fromEntries(statuses.map((status) => [status, statuses.filter((s) => s === status).length])),
        )}`,
      );
    });
    expect(Date.now() - started).toBeLessThan(BUDGET_MS);
    await expectDecryptedExactlyOnce(harness, MESSAGES);
    expect(receivedByContacts(simulator).every((message) => message.count === 1)).toBe(true);
    // the download is still hanging: nothing waited for it
    expect(simulator.state().faults.media.mode).toBe("hang");

    // Baileys handles receipts only after the notification that started the sync; once the
    // deadline abandons that sync, the receipts that waited turn every status into delivered.
    // (a delivered and a read receipt released together arrive merged as read)
    const deliveredOrRead = async () =>
      (await kabar.messages.list({ limit: MESSAGES })).items.filter(
        (item) => item.status === "delivered" || item.status === "read",
      ).length;
    await expect.poll(deliveredOrRead, { timeout: 60_000, interval: 500 }).toBe(MESSAGES);
  });
});
