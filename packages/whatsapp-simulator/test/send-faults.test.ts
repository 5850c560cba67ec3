import { getSession, sendTextMessage } from "wa-multi-session";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baileys } from "../src/baileys.js";
import { collectStatuses, createHarness, type Harness } from "./library-harness.js";

const { DELIVERY_ACK, ERROR } = baileys.proto.WebMessageInfo.Status;
const contact = "6281299990003";
const sessionId = "send-faults";

describe("faults on sends: error 463, delayed and withheld acks", () => {
  let harness: Harness;
  let statuses: ReturnType<typeof collectStatuses>;
  beforeAll(async () => {
    harness = await createHarness();
    await harness.link(sessionId);
    statuses = collectStatuses(sessionId);
  });
  afterAll(async () => harness.cleanup());

  it("answers the next send with error 463, which reaches the caller as an ERROR status", async () => {
    harness.sim.faults.sendError(463, 1);
    const acked = harness.sim.waitFor("ack");
    const sent = await sendTextMessage({ sessionId, to: contact, text: "ditolak" });
    const messageId = sent?.key.id ?? "";
    expect(await acked).toMatchObject({ id: messageId, error: 463 });
    await statuses.reached(messageId, ERROR);
    expect(harness.sim.contacts.messages(contact)).toEqual([]);

    // only one send was configured to fail
    const next = await sendTextMessage({ sessionId, to: contact, text: "diterima" });
    await statuses.reached(next?.key.id ?? "", DELIVERY_ACK);
    expect(harness.sim.state().faults.sendError).toBeNull();
  });

  it("delays the server ack (and so the receipts) by the configured time", async () => {
    harness.sim.faults.acks("delay", 300);
    const received = harness.sim.waitFor("message");
    const acked = harness.sim.waitFor("ack");
    const sent = await sendTextMessage({ sessionId, to: contact, text: "lambat" });
    const messageId = sent?.key.id ?? "";
    const receivedAt = (await received).message.receivedAt;
    await acked;
    expect(Date.now() - receivedAt).toBeGreaterThanOrEqual(295);
    await statuses.reached(messageId, DELIVERY_ACK);
    harness.sim.faults.acks("normal");
  });

  it("withholds acks until they are set back to normal, then releases them", async () => {
    harness.sim.faults.acks("withhold");
    const withheld = harness.sim.waitFor("ack-withheld");
    const sent = await sendTextMessage({ sessionId, to: contact, text: "tertahan" });
    const messageId = sent?.key.id ?? "";
    expect((await withheld).id).toBe(messageId);
    expect(harness.sim.state().faults.acks.withheld).toBe(1);
    // the contact got it, but the library has heard nothing back: no ack, no receipt
    expect(harness.sim.contacts.messages(contact).at(-1)?.id).toBe(messageId);
    expect(statuses.of(messageId)).toEqual([]);

    harness.sim.faults.acks("normal");
    await statuses.reached(messageId, DELIVERY_ACK);
  });

  it("counts a resend with the same message id instead of recording a second message", async () => {
    const socket = getSession(sessionId);
    const jid = `${contact}@s.whatsapp.net`;
    const messageId = "3EB0DUPLICATE00000001";
    const before = harness.sim.contacts.messages(contact).length;
    const second = harness.sim.waitFor(
      "message",
      (event) => event.message.id === messageId && event.isDuplicate,
    );
    await socket?.relayMessage(jid, { conversation: "sekali saja" }, { messageId });
    await socket?.relayMessage(jid, { conversation: "sekali saja" }, { messageId });
    expect((await second).message.count).toBe(2);
    const messages = harness.sim.contacts.messages(contact);
    expect(messages).toHaveLength(before + 1);
    expect(messages.at(-1)).toMatchObject({ id: messageId, text: "sekali saja", count: 2 });
  });
});
