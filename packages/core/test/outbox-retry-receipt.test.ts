/**
 * Recovery like a real client: a copy the contact cannot decrypt is answered with a retry receipt,
 * and the adapter's getMessage lets Baileys re-send it, from the outbox, under a fresh Signal session.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createKabar } from "../src/create-kabar.js";
import {
  expectDecryptedExactlyOnce,
  linkSession,
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

async function restartConnected(simulated: SimulatedKabar): Promise<void> {
  simulated.kabar = await createKabar(simulated.options());
  await sessionReaches(simulated.kabar, (status) => status.state === "connected");
}

describe("a retry receipt from the contact", { timeout: 60_000 }, () => {
  it("makes the library re-send the message from the outbox under a fresh session, and the contact reads it", async () => {
    harness = await startSimulatedKabar();
    await linkSession(harness);
    const { simulator } = harness;
    const to = "081234567890";
    await harness.kabar.messages.send({ to, message: "Pesan pertama" }, { waitFor: "sent" });
    await harness.kabar.messages.send({ to, message: "Pesan kedua" }, { waitFor: "sent" });
    // Closed, nothing is in flight: the files hold the Signal session as the second message left it.
    await harness.kabar.close();
    const folder = path.join(harness.sessionsDir, SESSION_ID);
    const sessionFiles = (await readdir(folder)).filter((name) =>
      /^session-6281234567890\.\d+\.json$/.test(name),
    );
    expect(sessionFiles.length).toBeGreaterThan(0);
    const snapshots = await Promise.all(
      sessionFiles.map(async (name) => ({ name, data: await readFile(path.join(folder, name)) })),
    );
    await restartConnected(harness);
    await harness.kabar.messages.send({ to, message: "Pesan ketiga" }, { waitFor: "sent" });
    await harness.kabar.close();
    // Putting the older session back makes the next send reuse the third message's counter, which the
    // contact has already used: what a lost commit (kill -9 between a send and its commit) leaves.
    for (const { name, data } of snapshots) await writeFile(path.join(folder, name), data);
    await restartConnected(harness);

    const retried = simulator.waitFor("retry-receipt");
    const fourth = await harness.kabar.messages.send({ to, message: "Pesan keempat" }, { waitFor: "sent" });
    const receipt = await retried;
    const fourthId = (await harness.kabar.messages.get(fourth.id))?.waMessageId;
    expect(receipt.id).toBe(fourthId);
    await expectDecryptedExactlyOnce(harness, 4);
    const copies = receivedByContacts(simulator).find((message) => message.id === fourthId);
    expect(copies?.count).toBeGreaterThanOrEqual(2);
  });
});
