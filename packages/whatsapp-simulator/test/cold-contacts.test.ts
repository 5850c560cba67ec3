/**
 * Cold contacts through the real wa-multi-session + Baileys: 463 until the contact writes, then the
 * library gets the privacy token (Baileys' chats.update with tcToken) and sends go through.
 */
import type { Chat } from "@whiskeysockets/baileys";
import { getSession, sendTextMessage } from "wa-multi-session";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baileys } from "../src/baileys.js";
import { collectStatuses, createHarness, type Harness, nextLibraryEvent } from "./library-harness.js";

const { DELIVERY_ACK, ERROR } = baileys.proto.WebMessageInfo.Status;
const cold = "6281299990011";
const warm = "6281299990012";
const sessionId = "cold-contacts";

describe("cold contacts: 463 until the contact writes, then a privacy token", () => {
  let harness: Harness;
  let statuses: ReturnType<typeof collectStatuses>;
  beforeAll(async () => {
    harness = await createHarness();
    await harness.link(sessionId);
    statuses = collectStatuses(sessionId);
  });
  afterAll(async () => harness.cleanup());

  it("answers every message to a cold contact with 463, and no other contact's", async () => {
    expect(harness.sim.contacts.add(cold, { onWhatsApp: true, cold: true })).toMatchObject({ cold: true });
    for (const text of ["satu", "dua"]) {
      const acked = harness.sim.waitFor("ack", (event) => event.to.startsWith(cold));
      const sent = await sendTextMessage({ sessionId, to: cold, text });
      expect(await acked).toMatchObject({ id: sent?.key.id, error: 463 });
      await statuses.reached(sent?.key.id ?? "", ERROR);
    }
    expect(harness.sim.contacts.messages(cold)).toEqual([]);
    const other = await sendTextMessage({ sessionId, to: warm, text: "hangat" });
    await statuses.reached(other?.key.id ?? "", DELIVERY_ACK);
  });

  it("sends the privacy token when the contact writes, and then delivers", async () => {
    const socket = getSession(sessionId);
    const tokens: string[] = [];
    socket?.ev.on("chats.update", (updates: Partial<Chat>[]) => {
      for (const update of updates) if (update.tcToken && update.id) tokens.push(update.id);
    });
    const received = nextLibraryEvent("received", sessionId, (_id, text) => text === "halo");
    const tokenShared = harness.sim.waitFor("privacy-token");
    await harness.sim.contacts.send(cold, "halo");
    expect(await tokenShared).toEqual({ number: cold });
    await received;
    expect(tokens).toEqual([`${cold}@s.whatsapp.net`]);
    expect(harness.sim.state().contacts.find((contact) => contact.number === cold)).toBeDefined();

    const sent = await sendTextMessage({ sessionId, to: cold, text: "sekarang bisa" });
    await statuses.reached(sent?.key.id ?? "", DELIVERY_ACK);
    expect(harness.sim.contacts.messages(cold).map((message) => message.text)).toEqual(["sekarang bisa"]);
  });

  it("fails sends to one number only with a per-number send error", async () => {
    harness.sim.faults.sendError(500, undefined, cold);
    const refused = harness.sim.waitFor("ack", (event) => event.error === 500);
    const bad = await sendTextMessage({ sessionId, to: cold, text: "gagal" });
    expect((await refused).id).toBe(bad?.key.id);
    const good = await sendTextMessage({ sessionId, to: warm, text: "lancar" });
    await statuses.reached(good?.key.id ?? "", DELIVERY_ACK);
    harness.sim.faults.sendError(null);
  });
});
