/**
 * Recovery like a real client: a copy the contact cannot decrypt is answered with a retry receipt,
 * and the adapter's getMessage lets Baileys re-send it, from the outbox, under a fresh Signal session.
 */
import { createHash } from "node:crypto";
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

/**
 * Two texts, a restart, a third text, then the Signal session files put back as the second text left
 * them: the next send reuses the third message's counter, which the contact has already used — what a
 * lost commit (kill -9 between a send and its commit) leaves. Resolves connected again.
 */
async function withStaleSignalSession(simulated: SimulatedKabar, to: string): Promise<void> {
  await simulated.kabar.messages.send({ to, message: "Pesan pertama" }, { waitFor: "sent" });
  await simulated.kabar.messages.send({ to, message: "Pesan kedua" }, { waitFor: "sent" });
  // Closed, nothing is in flight: the files hold the Signal session as the second message left it.
  await simulated.kabar.close();
  const folder = path.join(simulated.sessionsDir, SESSION_ID);
  const sessionFiles = (await readdir(folder)).filter((name) =>
    /^session-6281234567890\.\d+\.json$/.test(name),
  );
  expect(sessionFiles.length).toBeGreaterThan(0);
  const snapshots = await Promise.all(
    sessionFiles.map(async (name) => ({ name, data: await readFile(path.join(folder, name)) })),
  );
  await restartConnected(simulated);
  await simulated.kabar.messages.send({ to, message: "Pesan ketiga" }, { waitFor: "sent" });
  await simulated.kabar.close();
  for (const { name, data } of snapshots) await writeFile(path.join(folder, name), data);
  await restartConnected(simulated);
}

describe("a retry receipt from the contact", { timeout: 60_000 }, () => {
  it("makes the library re-send the message from the outbox under a fresh session, and the contact reads it", async () => {
    harness = await startSimulatedKabar();
    await linkSession(harness);
    const { simulator } = harness;
    const to = "081234567890";
    await withStaleSignalSession(harness, to);

    const retried = simulator.waitFor("retry-receipt");
    const fourth = await harness.kabar.messages.send({ to, message: "Pesan keempat" }, { waitFor: "sent" });
    const receipt = await retried;
    const fourthId = (await harness.kabar.messages.get(fourth.id))?.waMessageId;
    expect(receipt.id).toBe(fourthId);
    await expectDecryptedExactlyOnce(harness, 4);
    const copies = receivedByContacts(simulator).find((message) => message.id === fourthId);
    expect(copies?.count).toBeGreaterThanOrEqual(2);
  });

  it("re-sends an image too: uploaded again from media/, and the contact decrypts the same file", async () => {
    harness = await startSimulatedKabar();
    await linkSession(harness);
    const { simulator } = harness;
    const to = "081234567890";
    await withStaleSignalSession(harness, to);
    const jpeg = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
      Buffer.alloc(500, 7),
      Buffer.from([0xff, 0xd9]),
    ]);

    const retried = simulator.waitFor("retry-receipt");
    // The first copy's upload, then the re-send's: nothing of the first upload is reused.
    let uploads = 0;
    const uploadedTwice = simulator.waitFor(
      "media-request",
      (request) => request.outcome === "uploaded" && ++uploads === 2,
    );
    const reDecrypted = simulator.waitFor("message", ({ message }) => message.count >= 2 && !!message.media);
    const image = await harness.kabar.messages.sendMedia(
      "image",
      { to, file: jpeg, caption: "Peta rute" },
      { waitFor: "sent" },
    );
    const waMessageId = (await harness.kabar.messages.get(image.id))?.waMessageId;
    expect((await retried).id).toBe(waMessageId);
    await uploadedTwice;
    expect((await reDecrypted).message.id).toBe(waMessageId);
    const received = receivedByContacts(simulator).find((message) => message.id === waMessageId);
    expect(received?.count).toBeGreaterThanOrEqual(2);
    expect(received?.decryptError).toBeUndefined();
    expect(received?.mediaError).toBeUndefined();
    expect(received?.media).toEqual({
      type: "image",
      mimeType: "image/jpeg",
      caption: "Peta rute",
      size: jpeg.byteLength,
      sha256: createHash("sha256").update(jpeg).digest("hex"),
    });
  });
});
