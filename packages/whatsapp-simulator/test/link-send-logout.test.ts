import { getSession, sendTextMessage } from "wa-multi-session";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baileys } from "../src/baileys.js";
import {
  collectStatuses,
  createHarness,
  existsSync,
  folderRemoved,
  type Harness,
  library,
  nextCloseCode,
  nextLibraryEvent,
} from "./library-harness.js";

const { DELIVERY_ACK, PENDING, READ } = baileys.proto.WebMessageInfo.Status;
const contact = "6281299990001";
const sessionId = "link";

describe("QR link, send, receipts, reconnect, logout through wa-multi-session", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createHarness();
  });
  afterAll(async () => harness.cleanup());

  it("links by QR, sends a text the contact decrypts, and reports delivered then read", async () => {
    await harness.link(sessionId);
    expect(existsSync(harness.sessionDir(sessionId))).toBe(true);
    expect(harness.sim.state().devices).toHaveLength(1);

    const statuses = collectStatuses(sessionId);
    // "sent": the library reports its own message (status PENDING) and the server acks it; Baileys
    // 6.17.16 raises no status update for a plain server ack
    const ownCopy = nextLibraryEvent(
      "received",
      sessionId,
      (_id, text, fromMe) => fromMe && text === "halo dari kabar",
    );
    const serverAck = harness.sim.waitFor("ack");
    const sent = await sendTextMessage({ sessionId, to: contact, text: "halo dari kabar" });
    const messageId = sent?.key.id ?? "";
    expect(sent?.status).toBe(PENDING);
    await ownCopy;
    expect((await serverAck).id).toBe(messageId);

    const [received] = await harness.sim.waitForMessages(contact, 1);
    expect(received).toMatchObject({ id: messageId, text: "halo dari kabar", count: 1 });
    await statuses.reached(messageId, READ);
    expect(statuses.of(messageId)).toEqual([DELIVERY_ACK, READ]);
  });

  it("reconnects with the saved credentials after a dropped socket, without a new QR", async () => {
    let qrShown = false;
    const onQr = (id: string) => {
      if (id === sessionId) qrShown = true;
    };
    library.on("qr", onQr);
    const closed = nextCloseCode(sessionId);
    const reconnected = nextLibraryEvent("connected", sessionId);
    const login = harness.sim.waitFor("login");
    expect(harness.sim.faults.drop()).toBe(1);
    expect(await closed).toBe(428);
    await reconnected;
    expect((await login).deviceJid).toBe(harness.sim.state().devices[0]?.jid);
    library.off("qr", onQr);
    expect(qrShown).toBe(false);

    // the Signal session survives the reconnect: the second text is a plain `msg`, decrypted the same way
    const statuses = collectStatuses(sessionId);
    const sent = await sendTextMessage({ sessionId, to: contact, text: "pesan kedua" });
    const messageId = sent?.key.id ?? "";
    const messages = await harness.sim.waitForMessages(contact, 2);
    expect(messages.map((message) => message.text)).toEqual(["halo dari kabar", "pesan kedua"]);
    await statuses.reached(messageId, READ);
  });

  it("reports a text a contact sends to the linked device", async () => {
    const received = nextLibraryEvent("received", sessionId, (_id, _text, fromMe) => !fromMe);
    const { id } = await harness.sim.contacts.send(contact, "balasan dari kontak");
    const [, text, , remoteJid] = await received;
    expect(text).toBe("balasan dari kontak");
    expect(remoteJid).toBe(`${contact}@s.whatsapp.net`);
    await harness.sim.waitFor("contact-message-acked", (ack) => ack.id === id);
  });

  it("ends with 401 and a deleted credentials folder when the phone logs the device out", async () => {
    const closed = nextCloseCode(sessionId);
    const disconnected = nextLibraryEvent("disconnected", sessionId);
    expect(harness.sim.phone.logout().removed).toHaveLength(1);
    expect(await closed).toBe(401);
    await disconnected;
    await folderRemoved(harness.sessionDir(sessionId));
    expect(getSession(sessionId)).toBeUndefined();
    expect(harness.sim.state().devices[0]?.isRemoved).toBe(true);
  });
});
