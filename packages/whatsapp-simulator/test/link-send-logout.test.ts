import { sendTextMessage } from "wa-multi-session";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baileys } from "../src/baileys.js";
import { collectStatuses, createHarness, existsSync, type Harness } from "./library-harness.js";

const { DELIVERY_ACK, READ } = baileys.proto.WebMessageInfo.Status;
const contact = "6281299990001";

describe("QR link, send, receipts, reconnect, logout through wa-multi-session", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createHarness();
  });
  afterAll(async () => harness.cleanup());

  it("links by QR, sends a text the contact decrypts, and reports delivered then read", async () => {
    const sessionId = "link";
    await harness.link(sessionId);
    expect(existsSync(harness.sessionDir(sessionId))).toBe(true);
    expect(harness.sim.state().devices).toHaveLength(1);

    const statuses = collectStatuses(sessionId);
    const sent = await sendTextMessage({ sessionId, to: contact, text: "halo dari kabar" });
    const messageId = sent?.key.id ?? "";

    const [received] = await harness.sim.waitForMessages(contact, 1);
    expect(received).toMatchObject({ id: messageId, text: "halo dari kabar", count: 1 });
    await statuses.reached(messageId, READ);
    expect(statuses.of(messageId)).toEqual([DELIVERY_ACK, READ]);
  });
});
