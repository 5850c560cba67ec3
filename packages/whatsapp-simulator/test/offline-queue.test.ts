import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BinaryNode, MessageUpsertType, WAMessage } from "@whiskeysockets/baileys";
import { getSession, sendTextMessage, startSession } from "wa-multi-session";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pointLibraryAt, startSimulator, type WhatsAppSimulator } from "../src/index.js";
import { createHarness, folderRemoved, type Harness, nextLibraryEvent } from "./library-harness.js";

const sessionId = "offline-queue";
const contact = "6281299990201";
const READ = 4;

describe("offline queue: what contacts send while no device is connected", () => {
  const savedCredentials = mkdtempSync(join(tmpdir(), "kabar-sim-offline-creds-"));
  const dataDir = mkdtempSync(join(tmpdir(), "kabar-sim-offline-data-"));
  let harness: Harness;
  /** The simulator restarted on the same dataDir while the queue was held. */
  let restarted: WhatsAppSimulator | undefined;
  beforeAll(async () => {
    harness = await createHarness({ dataDir });
    await harness.link(sessionId);
  });
  afterAll(async () => {
    // cleanup deletes the session (a logout against the restarted simulator), then closes both
    await harness.cleanup();
    await restarted?.close();
    rmSync(savedCredentials, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("is held (across a simulator restart), then flushed at login with offline attributes, upserted as append, statuses updated", async () => {
    const { sim: first } = harness;
    // nobody reads them until the device is away
    first.contacts.setAutoReceipts(false);
    const sentIds: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      const sent = await sendTextMessage({ sessionId, to: contact, text: `pesan ${index}` });
      sentIds.push(sent?.key.id ?? "");
    }
    await first.waitForMessages(contact, 5);

    // Take the device away the way a dead process does: keep its credentials, let the library give up.
    cpSync(harness.sessionDir(sessionId), savedCredentials, { recursive: true });
    const disconnected = nextLibraryEvent("disconnected", sessionId);
    first.faults.refuse(60);
    first.faults.drop();
    await disconnected;
    await folderRemoved(harness.sessionDir(sessionId));
    first.faults.refuse(0);

    const sendUrl = `${first.controlUrl}/contacts/${contact}/send`;
    const queuedIds: string[] = [];
    for (const text of ["satu", "dua", "tiga"]) {
      const response = await fetch(sendUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text }),
      });
      expect(response.status).toBe(202);
      const body = (await response.json()) as { id: string; status: string };
      expect(body.status).toBe("queued");
      queuedIds.push(body.id);
    }
    const read = await fetch(`${first.controlUrl}/contacts/${contact}/read`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ids: sentIds }),
    });
    expect(read.status).toBe(202);
    expect(first.state().offlineQueue.map((entry) => [entry.kind, entry.id])).toEqual([
      ...queuedIds.map((id) => ["message", id]),
      ["receipt", sentIds[0]],
    ]);

    // the queue is part of the persisted state: a restarted simulator still holds it
    const held = first.state().offlineQueue;
    await first.close();
    const sim = await startSimulator({ port: 0, dataDir, autoReceipts: false });
    restarted = sim;
    pointLibraryAt(sim.wsUrl);
    expect(sim.state().offlineQueue).toEqual(held);

    cpSync(savedCredentials, harness.sessionDir(sessionId), { recursive: true });
    const stanzas: BinaryNode[] = [];
    const upserts: { type: MessageUpsertType; messages: WAMessage[] }[] = [];
    const statuses = new Map<string, number>();
    const allDelivered = Promise.all(
      [...queuedIds, sentIds[0]].map((id) => sim.waitFor("offline-delivered", (event) => event.id === id)),
    );
    await startSession(sessionId, { printQR: false });
    const socket = getSession(sessionId);
    if (!socket) throw new Error("no socket");
    for (const tag of ["message", "receipt", "ib"])
      socket.ws.on(`CB:${tag}`, (node: BinaryNode) => stanzas.push(node));
    socket.ev.on("messages.upsert", (upsert) => upserts.push(upsert));
    socket.ev.on("messages.update", (updates) => {
      for (const { key, update } of updates) {
        if (key.id && typeof update.status === "number") statuses.set(key.id, update.status);
      }
    });
    await allDelivered;

    const flushed = stanzas.filter((node) => node.tag !== "ib");
    expect(flushed.map((node) => [node.tag, node.attrs.id, node.attrs.offline])).toEqual([
      ["message", queuedIds[0], "1"],
      ["message", queuedIds[1], "2"],
      ["message", queuedIds[2], "3"],
      ["receipt", sentIds[0], "4"],
    ]);
    const ib = stanzas.filter((node) => node.tag === "ib").map((node) => (node.content as BinaryNode[])[0]);
    expect(ib.map((child) => child?.tag)).toEqual(["offline_preview", "offline"]);
    expect(ib[1]?.attrs.count).toBe("4");

    const texts = upserts.flatMap((upsert) =>
      upsert.messages.filter((m) => !m.key.fromMe).map((m) => [upsert.type, m.message?.conversation]),
    );
    expect(texts).toEqual([
      ["append", "satu"],
      ["append", "dua"],
      ["append", "tiga"],
    ]);
    for (const id of sentIds) expect(statuses.get(id)).toBe(READ);
    expect(sim.state().offlineQueue).toEqual([]);
  });

  it("refuses bad receipt requests with the field and the rule", async () => {
    const sim = restarted ?? harness.sim;
    const url = `${sim.controlUrl}/contacts/${contact}/delivered`;
    const empty = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ids: [] }),
    });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: string }).error).toBe("ids: at least one id");
    const unknown = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ids: ["NOPE"] }),
    });
    expect(unknown.status).toBe(404);
    expect(sim.state().offlineQueue).toEqual([]);
  });
});
