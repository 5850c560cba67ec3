import type { BinaryNode, WAMessage } from "@whiskeysockets/baileys";
import { getSession, sendTextMessage } from "wa-multi-session";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectStatuses, createHarness, type Harness } from "./library-harness.js";

const sessionId = "lid-contact";
const contact = "6281299990101";
const READ = 4;

/** Resolves with the first upserted message from someone else that matches. */
function nextIncoming(matches: (message: WAMessage) => boolean): Promise<WAMessage> {
  const socket = getSession(sessionId);
  if (!socket) throw new Error("no socket");
  return new Promise((resolve) => {
    const listener = ({ messages }: { messages: WAMessage[] }) => {
      const found = messages.find((message) => !message.key.fromMe && matches(message));
      if (!found) return;
      socket.ev.off("messages.upsert", listener);
      resolve(found);
    };
    socket.ev.on("messages.upsert", listener);
  });
}

describe("LID: a contact WhatsApp addresses by LID", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createHarness();
    await harness.link(sessionId);
  });
  afterAll(() => harness.cleanup());

  it("announces the account's LID in <success>, which Baileys keeps as creds.me.lid", () => {
    const me = getSession(sessionId)?.authState.creds.me;
    const { account, devices } = harness.sim.state();
    const deviceId = devices[0]?.jid.split(":")[1]?.split("@")[0];
    expect(me?.lid).toBe(`${account.lid}:${deviceId}@lid`);
    expect(account.lid).not.toBe(account.number);
  });

  it("sends its messages and receipts from <lid>@lid with sender_pn; replies to either address decrypt", async () => {
    const { lid } = harness.sim.contacts.add(contact, { onWhatsApp: true, lid: true });
    expect(lid).toMatch(/^\d{15}$/);
    const socket = getSession(sessionId);
    if (!socket) throw new Error("no socket");
    const stanzas: BinaryNode[] = [];
    socket.ws.on("CB:message", (node: BinaryNode) => stanzas.push(node));
    socket.ws.on("CB:receipt", (node: BinaryNode) => stanzas.push(node));

    const incoming = nextIncoming((message) => message.message?.conversation === "halo dari LID");
    const { id } = await harness.sim.contacts.send(contact, "halo dari LID");
    const message = await incoming;
    // what Baileys 6.17.16 does with it: the LID is the chat id, the phone number only in the stanza
    expect(message.key.remoteJid).toBe(`${lid}@lid`);
    const stanza = stanzas.find((node) => node.tag === "message" && node.attrs.id === id);
    expect(stanza?.attrs.from).toBe(`${lid}@lid`);
    expect(stanza?.attrs.sender_pn).toBe(`${contact}@s.whatsapp.net`);

    const statuses = collectStatuses(sessionId);
    const byNumber = await sendTextMessage({ sessionId, to: contact, text: "balasan ke nomor" });
    const byLid = await socket.sendMessage(`${lid}@lid`, { text: "balasan ke LID" });
    const sentIds = [byNumber?.key.id ?? "", byLid?.key.id ?? ""];
    const received = await harness.sim.waitForMessages(contact, 2);
    expect(received.map((entry) => [entry.text, entry.decryptError])).toEqual([
      ["balasan ke nomor", undefined],
      ["balasan ke LID", undefined],
    ]);
    for (const sentId of sentIds) await statuses.reached(sentId, READ);
    const receipts = stanzas.filter(
      (node) => node.tag === "receipt" && sentIds.includes(node.attrs.id ?? ""),
    );
    expect(receipts.length).toBeGreaterThan(0);
    for (const receipt of receipts) {
      expect(receipt.attrs.from).toBe(`${lid}@lid`);
      expect(receipt.attrs.sender_pn).toBe(`${contact}@s.whatsapp.net`);
    }
  });

  it("keeps a contact's LID once given and shows it in GET /state", async () => {
    const first = harness.sim.contacts.add(contact, { onWhatsApp: true, lid: true });
    const again = harness.sim.contacts.add(contact, { onWhatsApp: true });
    expect(again.lid).toBe(first.lid);
    const state = (await (await fetch(`${harness.sim.controlUrl}/state`)).json()) as {
      contacts: { number: string; lid: string | null }[];
    };
    expect(state.contacts.find((entry) => entry.number === contact)?.lid).toBe(first.lid);
    const bad = await fetch(`${harness.sim.controlUrl}/contacts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ number: contact, onWhatsApp: true, lid: "yes" }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^lid: /);
  });
});
