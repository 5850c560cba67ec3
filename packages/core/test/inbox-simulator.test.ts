/**
 * The inbox, opt-out and keyword auto-replies, through createKabar on the real wa-multi-session +
 * Baileys against the simulator: what contacts send is grouped and threaded, and every reply Kabar
 * sends is decrypted at the contact.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Kabar, TrackedEvent } from "../src/contract.js";
import { OptedOutError } from "../src/errors.js";
import { linkSession, type SimulatedKabar, startSimulatedKabar } from "./outbox-simulated.js";

const CONTACT = "6281277780001";

let harness: SimulatedKabar | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

/** Resolves with the n-th `message.received` event matching `text` (after this call). */
function received(kabar: Kabar, text: string): Promise<void> {
  return new Promise((resolve) => {
    const off = kabar.events.on(({ event }: TrackedEvent) => {
      if (event.type === "message.received" && event.message.text === text) {
        off();
        resolve();
      }
    });
  });
}

/** The texts the contact decrypted, in arrival order, each checked to have decrypted. */
function decryptedTexts(sim: SimulatedKabar, phone: string): string[] {
  const messages = sim.simulator.contacts.messages(phone);
  for (const message of messages) expect(message.decryptError).toBeUndefined();
  return messages.map((message) => message.text ?? "");
}

describe("inbox, opt-out and auto-replies", { timeout: 180_000 }, () => {
  it("a contact's 3 messages are listed in order under its number, unread until marked; a reply decrypts", async () => {
    harness = await startSimulatedKabar();
    await linkSession(harness);
    const { simulator, kabar } = harness;
    simulator.contacts.add(CONTACT, { onWhatsApp: true });
    const last = received(kabar, "Jam berapa start?");
    for (const text of ["Halo panitia", "Saya ikut 10K", "Jam berapa start?"]) {
      await simulator.contacts.send(CONTACT, text);
    }
    await last;

    const [contact] = await kabar.inbox.contacts();
    expect(contact).toMatchObject({ phone: CONTACT, messageCount: 3, unread: 3, optedOut: false });
    expect(contact?.lastMessage.text).toBe("Jam berapa start?");
    const thread = await kabar.inbox.thread({ phone: "+62 812-7778-0001" });
    expect(thread.map((entry) => [entry.direction, entry.message.text])).toEqual([
      ["in", "Halo panitia"],
      ["in", "Saya ikut 10K"],
      ["in", "Jam berapa start?"],
    ]);

    expect(await kabar.inbox.markRead({ phone: CONTACT })).toEqual({ marked: 3 });
    expect((await kabar.inbox.contacts())[0]?.unread).toBe(0);

    await kabar.inbox.reply({ phone: CONTACT, message: "Start jam 05.30 WIB" });
    await simulator.waitForMessages(CONTACT, 1);
    expect(decryptedTexts(harness, CONTACT)).toEqual(["Start jam 05.30 WIB"]);
    expect((await kabar.inbox.thread({ phone: CONTACT })).at(-1)).toMatchObject({
      direction: "out",
      message: { text: "Start jam 05.30 WIB" },
    });
  });

  it("berhenti: one confirmation decrypts, sends are refused (409) unless forced, MULAI takes them off", async () => {
    harness = await startSimulatedKabar();
    await linkSession(harness);
    const { simulator, kabar } = harness;
    simulator.contacts.add(CONTACT, { onWhatsApp: true });
    const { optOutReply, optInReply } = await kabar.settings.get();

    await simulator.contacts.send(CONTACT, "  berhenti ");
    await simulator.waitForMessages(CONTACT, 1);
    expect(decryptedTexts(harness, CONTACT)).toEqual([optOutReply]);
    expect(await kabar.optOuts.isOptedOut("0812-7778-0001")).toBe(true);
    expect(await kabar.optOuts.list()).toMatchObject([{ phone: CONTACT, source: "keyword" }]);

    const refused = kabar.messages.send({ to: CONTACT, message: "Race pack H-1" });
    await expect(refused).rejects.toBeInstanceOf(OptedOutError);
    await expect(refused).rejects.toThrow(/opted out/);
    await expect(
      kabar.messages.sendMedia("document", {
        to: CONTACT,
        file: new TextEncoder().encode("%PDF-1.4 jadwal"),
        fileName: "jadwal.pdf",
      }),
    ).rejects.toBeInstanceOf(OptedOutError);
    expect(await kabar.messages.countByStatus()).toMatchObject({ queued: 0 });

    await kabar.messages.send({ to: CONTACT, message: "Info darurat: rute berubah", force: true });
    await simulator.waitForMessages(CONTACT, 2);

    await simulator.contacts.send(CONTACT, "MULAI");
    await simulator.waitForMessages(CONTACT, 3);
    expect(await kabar.optOuts.isOptedOut(CONTACT)).toBe(false);
    await kabar.messages.send({ to: CONTACT, message: "Race pack H-1" });
    await simulator.waitForMessages(CONTACT, 4);
    expect(decryptedTexts(harness, CONTACT)).toEqual([
      optOutReply,
      "Info darurat: rute berubah",
      optInReply,
      "Race pack H-1",
    ]);
  });

  it("a keyword gets its auto-reply once per contact per hour, matched on the whole message in any case", async () => {
    let offsetMs = 0;
    harness = await startSimulatedKabar({ kabar: { inboxClock: { now: () => Date.now() + offsetMs } } });
    await linkSession(harness);
    const { simulator, kabar } = harness;
    simulator.contacts.add(CONTACT, { onWhatsApp: true });
    await kabar.autoReplies.set({ keyword: "info", reply: "Race: Minggu 05.30, GBK." });
    await kabar.autoReplies.set({ keyword: "RUTE", reply: "Rute: gbk.example/rute" });

    const handled = received(kabar, "Info");
    await simulator.contacts.send(CONTACT, "INFO");
    await simulator.contacts.send(CONTACT, "minta info dong");
    await simulator.contacts.send(CONTACT, "Info");
    await handled;
    // a later keyword's reply arriving shows the earlier messages were all handled: replies queue in order
    await simulator.contacts.send(CONTACT, "rute");
    await simulator.waitForMessages(CONTACT, 2);
    expect(decryptedTexts(harness, CONTACT)).toEqual(["Race: Minggu 05.30, GBK.", "Rute: gbk.example/rute"]);

    offsetMs = 60 * 60_000 + 1_000;
    await simulator.contacts.send(CONTACT, "info");
    await simulator.waitForMessages(CONTACT, 3);
    expect(decryptedTexts(harness, CONTACT).at(-1)).toBe("Race: Minggu 05.30, GBK.");
  });

  it("refuses bad input naming the field, and changes nothing", async () => {
    harness = await startSimulatedKabar();
    const { kabar } = harness;
    await expect(kabar.autoReplies.set({ keyword: " ", reply: "x" })).rejects.toMatchObject({
      field: "keyword",
    });
    await expect(kabar.optOuts.add({ phone: "abc" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "phone",
    });
    await expect(kabar.settings.update({ optOutKeywords: [] })).rejects.toThrow(/optOutKeywords/);
    expect(await kabar.autoReplies.list()).toEqual([]);
    expect(await kabar.optOuts.list()).toEqual([]);
  });
});
