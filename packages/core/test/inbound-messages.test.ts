/**
 * Inbound messages stored, LID contacts, and what WhatsApp held while the product was down —
 * through createKabar on the real wa-multi-session + Baileys against the simulator.
 */
import { afterEach, describe, expect, it } from "vitest";
import { allInbound, eventually } from "./inbound-harness.js";
import { countReaching } from "./outbox-harness.js";
import {
  expectDecryptedExactlyOnce,
  linkSession,
  outboxWaMessageIds,
  type SimulatedKabar,
  startSimulatedKabar,
} from "./outbox-simulated.js";
import { spawnKabarChild } from "./support/kabar-child.js";

const LID_CONTACT = "6281277770001";
const CONTACT = "6281277770002";

let harness: SimulatedKabar | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

describe("inbound messages", { timeout: 180_000 }, () => {
  it("a LID contact: its messages carry its phone number, sends to it decrypt, its receipts update statuses", async () => {
    harness = await startSimulatedKabar();
    await linkSession(harness);
    const { simulator, kabar } = harness;
    const { lid } = simulator.contacts.add(LID_CONTACT, { onWhatsApp: true, lid: true });
    if (!lid) throw new Error("the simulator gave the contact no LID");

    const { id } = await simulator.contacts.send(LID_CONTACT, "Halo, saya mau daftar 10K");
    const [stored] = await eventually(async () => {
      const found = (await allInbound(kabar)).filter((message) => message.waMessageId === id);
      return found.length > 0 ? found : undefined;
    }, "the LID contact's message stored");
    expect(stored).toMatchObject({
      from: LID_CONTACT,
      fromLid: lid,
      type: "text",
      text: "Halo, saya mau daftar 10K",
      isOffline: false,
    });
    expect(await kabar.messages.inbound({ from: "+62 812-7777-0001" })).toMatchObject({
      items: [{ waMessageId: id }],
    });

    const read = countReaching(kabar.events, "read", 1, 30_000);
    const sent = await kabar.messages.send({ to: LID_CONTACT, message: "Terima kasih, sudah terdaftar" });
    await read;
    expect((await kabar.messages.get(sent.id))?.status).toBe("read");
    expect(simulator.contacts.messages(LID_CONTACT)).toMatchObject([
      { text: "Terima kasih, sudah terdaftar", count: 1 },
    ]);
    expect(simulator.contacts.messages(LID_CONTACT)[0]?.decryptError).toBeUndefined();
  });

  it("kill -9, then 3 messages and 5 reads while down: after a restart all 3 are stored and the 5 are read", async () => {
    harness = await startSimulatedKabar({ simulator: { autoReceipts: false } });
    await linkSession(harness);
    const { simulator } = harness;
    const allSent = countReaching(harness.kabar.events, "sent", 5, 30_000);
    for (let index = 0; index < 5; index += 1) {
      await harness.kabar.messages.send({ to: CONTACT, message: `Nomor BIB kamu: ${index + 100}` });
    }
    await allSent;
    const earlier = await outboxWaMessageIds(harness.kabar);
    await simulator.waitForMessages(CONTACT, 5);
    // the child takes over the linked session: this process lets go of it first
    await harness.kabar.close();

    const child = spawnKabarChild("inbound-child.ts", [
      harness.databaseUrl,
      harness.sessionsDir,
      simulator.wsUrl,
    ]);
    let signal: NodeJS.Signals | null = null;
    try {
      await child.printed("connected");
    } finally {
      const gone = simulator.waitFor("disconnect", (event) => event.deviceJid !== undefined);
      signal = await child.kill();
      await gone;
    }
    expect(signal).toBe("SIGKILL");

    const queued: string[] = [];
    for (const text of ["Ukuran kaos M", "Saya ikut 5K", "Terima kasih panitia"]) {
      const sent = await simulator.contacts.send(CONTACT, text);
      expect(sent.status).toBe("queued");
      queued.push(sent.id);
    }
    expect((await simulator.contacts.receipts(CONTACT, "read", earlier)).status).toBe("queued");

    const flushed = Promise.all(
      [...queued, earlier[0]].map((id) =>
        simulator.waitFor("offline-delivered", (event) => event.id === id, 60_000),
      ),
    );
    const kabar = await harness.restart();
    const stored = await eventually(async () => {
      const all = await allInbound(kabar);
      return all.length >= 3 ? all : undefined;
    }, "the 3 held messages stored");
    expect(
      stored.map(({ waMessageId, from, text, isOffline }) => ({ waMessageId, from, text, isOffline })),
    ).toEqual([
      { waMessageId: queued[0], from: CONTACT, text: "Ukuran kaos M", isOffline: true },
      { waMessageId: queued[1], from: CONTACT, text: "Saya ikut 5K", isOffline: true },
      { waMessageId: queued[2], from: CONTACT, text: "Terima kasih panitia", isOffline: true },
    ]);
    await eventually(async () => {
      const counts = await kabar.messages.countByStatus();
      return counts.read === 5 ? counts : undefined;
    }, "the 5 earlier messages read");
    // the library acked every held stanza, so the server holds nothing more for the device
    await flushed;
    expect(simulator.state().offlineQueue).toEqual([]);
  });

  it("300 new contacts in a row each write once: every message is stored, and replies to all decrypt", async () => {
    harness = await startSimulatedKabar();
    await linkSession(harness);
    const { simulator, kabar } = harness;
    const contacts = Array.from({ length: 300 }, (_, index) => `62815${String(index).padStart(8, "0")}`);
    const ids = new Map<string, string>();
    let preKeyUploads = 0;
    simulator.on("pre-keys-uploaded", () => {
      preKeyUploads += 1;
    });
    const initialPreKeys = simulator.state().devices[0]?.preKeys ?? 0;
    expect(contacts.length).toBeGreaterThan(initialPreKeys);
    for (const [index, number] of contacts.entries()) {
      const acked = simulator.waitFor("contact-message-acked", (event) => event.number === number);
      ids.set((await simulator.contacts.send(number, `Pendaftaran peserta ${index}`)).id, number);
      await acked;
    }
    const stored = await eventually(async () => {
      const all = await allInbound(kabar);
      return all.length >= contacts.length ? all : undefined;
    }, "300 inbound messages stored");
    expect(stored).toHaveLength(300);
    // each new contact used one of the device's one-time pre-keys: the library had to top them up
    expect(preKeyUploads).toBeGreaterThan(0);
    for (const message of stored) {
      expect(message.from).toBe(ids.get(message.waMessageId));
      expect(message.text).toBe(`Pendaftaran peserta ${contacts.indexOf(message.from ?? "")}`);
    }

    const allSent = countReaching(kabar.events, "sent", contacts.length, 150_000);
    for (const number of contacts) await kabar.messages.send({ to: number, message: `Halo ${number}` });
    await allSent;
    await expectDecryptedExactlyOnce(harness, contacts.length);
  });
});
