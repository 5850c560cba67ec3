import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sendTextMessage, startSession } from "wa-multi-session";
import { afterAll, describe, expect, it } from "vitest";
import { pointLibraryAt, startSimulator, type WhatsAppSimulator } from "../src/index.js";
import { createHarness, folderRemoved, type Harness, nextLibraryEvent } from "./library-harness.js";

const sessionId = "persist";
const contact = "6281299990007";

describe("SIMULATOR_DATA_DIR: the same simulated account after a restart", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "kabar-sim-data-"));
  const savedCredentials = mkdtempSync(join(tmpdir(), "kabar-sim-saved-creds-"));
  let harness: Harness | undefined;
  let restarted: WhatsAppSimulator | undefined;
  afterAll(async () => {
    // cleanup deletes the session (a logout against the restarted simulator), then closes both
    await harness?.cleanup();
    await restarted?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(savedCredentials, { recursive: true, force: true });
  });

  it("keeps the linked device, contacts' Signal sessions and received messages", async () => {
    const first = await createHarness({ dataDir });
    harness = first;
    await first.link(sessionId);
    const before = Array.from({ length: 30 }, (_, index) => `sebelum restart ${index}`);
    for (const text of before) await sendTextMessage({ sessionId, to: contact, text });
    await first.sim.waitForMessages(contact, before.length);
    // what a killed product leaves on disk: its credentials folder as it was while connected
    cpSync(first.sessionDir(sessionId), savedCredentials, { recursive: true });

    // stopping the simulator under a live session makes wa-multi-session retry and wipe its folder
    const disconnected = nextLibraryEvent("disconnected", sessionId);
    await first.sim.close();
    await disconnected;
    await folderRemoved(first.sessionDir(sessionId));
    cpSync(savedCredentials, first.sessionDir(sessionId), { recursive: true });

    const sim = await startSimulator({ port: 0, dataDir });
    restarted = sim;
    pointLibraryAt(sim.wsUrl);
    expect(sim.contacts.messages(contact).map((message) => message.text)).toEqual(before);
    const login = sim.waitFor("login");
    const connected = nextLibraryEvent("connected", sessionId);
    await startSession(sessionId, { printQR: false });
    await connected;
    expect((await login).deviceJid).toBe(sim.state().devices[0]?.jid);

    // the contact's ratchet state from before the restart must be the one on disk, or these fail
    const after = Array.from({ length: 30 }, (_, index) => `sesudah restart ${index}`);
    for (const text of after) await sendTextMessage({ sessionId, to: contact, text });
    const messages = await sim.waitForMessages(contact, before.length + after.length);
    expect(messages.filter((message) => message.decryptError !== undefined)).toEqual([]);
    expect(messages.map((message) => message.text)).toEqual([...before, ...after]);
  });
});
