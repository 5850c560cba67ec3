/**
 * What the wa-multi-session adapter reports about messages, through the real library against the
 * simulator: the id core chose is the id WhatsApp sees, every receipt of a batch becomes an ack
 * (wa-multi-session's callbacks keep only the first), 463 becomes a sendError, and contacts' messages
 * arrive as incoming.
 */
import { afterEach, describe, expect, it } from "vitest";
import { bundledWaWebVersion } from "../src/whatsapp/adapters/wa-multi-session/library-bridge.js";
import { baileys } from "../src/whatsapp/adapters/wa-multi-session/library-modules.js";
import type { AckStatus, WhatsAppPortEvents } from "../src/whatsapp/port.js";
import {
  linkNewSession,
  type SimulatedWhatsApp,
  startSimulatedWhatsApp,
} from "./support/simulated-whatsapp-harness.js";

const CONTACT = "6281299990001";
let harness: SimulatedWhatsApp | null = null;

afterEach(async () => {
  await harness?.close();
  harness = null;
});

async function linkedPort() {
  harness = await startSimulatedWhatsApp();
  const underTest = harness.createManager();
  await underTest.manager.start();
  await linkNewSession(harness, underTest.manager);
  harness.simulator.contacts.add(CONTACT);
  return { harness, port: underTest.port };
}

describe("the wa-multi-session adapter", () => {
  it("answers the WhatsApp Web version lookup from the bundled version, without the network", async () => {
    harness = await startSimulatedWhatsApp();
    harness.createPort();
    const startedAt = performance.now();
    const { version } = await baileys.fetchLatestBaileysVersion();
    expect(performance.now() - startedAt).toBeLessThan(20);
    expect(version).toEqual(bundledWaWebVersion());
  });

  it("sends with the message id core chose and reports server ack and read for every message", async () => {
    const { harness, port } = await linkedPort();
    const acks = new Map<string, AckStatus[]>();
    port.on("ack", ({ messageId, status }) => acks.set(messageId, [...(acks.get(messageId) ?? []), status]));
    const ids = Array.from({ length: 5 }, (_, index) => `KABAR${index}TEST${Date.now()}`.toUpperCase());
    const allRead = new Promise<void>((resolve) => {
      port.on("ack", () => {
        if (ids.every((id) => acks.get(id)?.includes("read"))) resolve();
      });
    });
    for (const [index, messageId] of ids.entries()) {
      await expect(
        port.sendText("main_session", { to: CONTACT, text: `halo ${index}`, messageId }),
      ).resolves.toEqual({
        messageId,
      });
    }
    const received = await harness.simulator.waitForMessages(CONTACT, ids.length);
    expect(received.map((message) => message.id)).toEqual(ids);
    await allRead;
    // Baileys' event buffer merges a delivered and a read receipt that arrive together into "read",
    // so "delivered" may be skipped; what must hold is that no message of the batch goes unreported.
    for (const id of ids) {
      const statuses = acks.get(id) ?? [];
      expect(statuses.filter((status) => status !== "delivered")).toEqual(["server_ack", "read"]);
    }
  }, 30_000);

  it("reports a 463 refusal as a sendError for that message", async () => {
    const { harness, port } = await linkedPort();
    harness.simulator.faults.sendError(463, 1);
    const refused = new Promise<WhatsAppPortEvents["sendError"]>((resolve) => port.on("sendError", resolve));
    await port.sendText("main_session", { to: CONTACT, text: "restricted", messageId: "KABAR463REFUSED" });
    expect(await refused).toMatchObject({ messageId: "KABAR463REFUSED", code: 463 });
  }, 30_000);

  it("reports a contact's message as incoming, and never its own messages", async () => {
    const { harness, port } = await linkedPort();
    const incoming: WhatsAppPortEvents["incoming"][] = [];
    const arrived = new Promise<void>((resolve) =>
      port.on("incoming", (event) => {
        incoming.push(event);
        resolve();
      }),
    );
    await port.sendText("main_session", { to: CONTACT, text: "mine", messageId: "KABAROWNMESSAGE1" });
    const { id } = await harness.simulator.contacts.send(CONTACT, "balasan");
    await arrived;
    expect(incoming).toEqual([expect.objectContaining({ from: CONTACT, messageId: id, text: "balasan" })]);
  }, 30_000);

  it("refuses to send while not connected, as a transient error", async () => {
    harness = await startSimulatedWhatsApp();
    const port = harness.createPort();
    await expect(
      port.sendText("main_session", { to: CONTACT, text: "x", messageId: "KABARNOTCONNECTED" }),
    ).rejects.toMatchObject({
      name: "WhatsAppSendError",
      isTransient: true,
    });
  });
});
