/**
 * Issue 12 through the real wa-multi-session + Baileys against the simulator: a poison message never
 * jams the queue, order is kept per recipient (not globally), 463 holds one cold recipient and
 * several pause the outbox. Tests in a file run one after another (module-global library state).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Kabar } from "../src/contract.js";
import type { WhatsAppSimulator } from "@kabar/whatsapp-simulator";
import { countReaching, nextEvent, statusOf } from "./outbox-harness.js";
import {
  expectDecryptedExactlyOnce,
  linkSession,
  type SimulatedKabar,
  sessionReaches,
  startSimulatedKabar,
} from "./outbox-simulated.js";

let harness: SimulatedKabar | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

const arrivalTimes = (simulator: WhatsAppSimulator) => {
  const arrivals: { number: string; text: string; at: number }[] = [];
  simulator.on("message", ({ number, message, isDuplicate }) => {
    if (!isDuplicate) arrivals.push({ number, text: message.text, at: message.receivedAt });
  });
  return arrivals;
};

/**
 * Ways a message can be poison: each arranges the simulator so sends to `number` fail every time.
 * A media send failing in the media host (issue 12's media items) is one more entry here.
 */
const POISONS: { name: string; arrange: (simulator: WhatsAppSimulator, number: string) => void }[] = [
  {
    name: "a 5xx in the server ack on every attempt",
    arrange: (simulator, number) => simulator.faults.sendError(500, undefined, number),
  },
];

describe("an outbox that never jams, against the simulator", { timeout: 90_000 }, () => {
  for (const poison of POISONS) {
    it(`a poison message (${poison.name}) never delays the text after it, and fails once its attempts are spent`, async () => {
      const maxGapMs = 400;
      harness = await startSimulatedKabar({
        settings: { minGapMs: 200, maxGapMs, maxAttempts: 3 },
        kabar: { retryBaseDelayMs: 300 },
      });
      await linkSession(harness);
      const { kabar, simulator } = harness;
      poison.arrange(simulator, "6281299990100");
      const firstRefusal = simulator.waitFor("ack", (event) => event.error !== undefined);
      const textArrived = simulator.waitFor("message", ({ number }) => number === "6281299990101");
      const bad = await kabar.messages.send({ to: "081299990100", message: "racun" });
      await kabar.messages.send({ to: "081299990101", message: "teks biasa" });
      await firstRefusal;
      const refusedAt = Date.now();
      const text = await textArrived;
      // The pacing gap plus one step's database work: never the poison's backoff.
      expect(text.message.receivedAt - refusedAt).toBeLessThan(maxGapMs + 1000);

      const failed = await nextEvent(kabar.events, statusOf(bad.id, "failed"), 30_000);
      expect(failed.type === "message.status" && failed.message.detail).toMatch(
        /WhatsApp error 500 \(gave up after 3 attempts\)/,
      );
      expect(await kabar.messages.get(bad.id)).toMatchObject({ status: "failed", attempts: 3 });
      expect(simulator.contacts.messages("6281299990100")).toEqual([]);
    });
  }

  it("sends B1 before A2 while A waits out its per-recipient gap, and A2 when the gap ends", async () => {
    const gapMs = 1500;
    harness = await startSimulatedKabar({ settings: { perRecipientGapMs: gapMs } });
    await linkSession(harness);
    const { kabar, simulator } = harness;
    const arrivals = arrivalTimes(simulator);
    const allSent = countReaching(kabar.events, "sent", 3, 30_000);
    await kabar.messages.send({ to: "081299990201", message: "A1" });
    await kabar.messages.send({ to: "081299990201", message: "A2" });
    await kabar.messages.send({ to: "081299990202", message: "B1" });
    await allSent;
    expect(arrivals.map((arrival) => arrival.text)).toEqual(["A1", "B1", "A2"]);
    const [a1, , a2] = arrivals;
    expect((a2?.at ?? 0) - (a1?.at ?? 0)).toBeGreaterThanOrEqual(gapMs);
    await expectDecryptedExactlyOnce(harness, 3);
  });

  it("holds a cold recipient with the wa.me link while 50 messages to 10 others go, and sends when they write", async () => {
    harness = await startSimulatedKabar();
    await linkSession(harness);
    const { kabar, simulator } = harness;
    const linkedNumber = kabar.sessions.status().linkedNumber;
    simulator.contacts.add("6281299990300", { onWhatsApp: true, cold: true });
    const cold = await kabar.messages.send({ to: "081299990300", message: "Nomor BIB kamu 1234" });
    const held = nextEvent(kabar.events, statusOf(cold.id, "held"), 30_000);
    const othersSent = countReaching(kabar.events, "sent", 50, 60_000);
    for (let index = 0; index < 50; index += 1) {
      await kabar.messages.send({ to: `08129999031${index % 10}`, message: `Info ${index}` });
    }
    await held;
    await othersSent;
    const record = await kabar.messages.get(cold.id);
    expect(record).toMatchObject({ status: "held", holdLink: `https://wa.me/${linkedNumber}?text=Halo` });
    expect(record?.lastError).toMatch(/the recipient must message you first/);
    expect(kabar.sessions.status().outboxPausedReason).toBeNull();

    const delivered = nextEvent(kabar.events, statusOf(cold.id, "sent"), 5_000);
    await simulator.contacts.send("6281299990300", "halo, saya peserta");
    await delivered;
    expect(simulator.contacts.messages("6281299990300").map((message) => message.text)).toEqual([
      "Nomor BIB kamu 1234",
    ]);
  });

  it("pauses the outbox with the account-level reason when five cold recipients answer 463", async () => {
    harness = await startSimulatedKabar();
    await linkSession(harness);
    const { kabar, simulator } = harness;
    const paused = sessionReaches(kabar, (status) => status.outboxPausedReason !== null, 30_000);
    for (let index = 0; index < 5; index += 1) {
      simulator.contacts.add(`628129999040${index}`, { onWhatsApp: true, cold: true });
      await kabar.messages.send({ to: `08129999040${index}`, message: `Dingin ${index}` });
    }
    const after = await kabar.messages.send({ to: "081299990410", message: "menunggu" });
    expect((await paused).outboxPausedReason).toMatch(
      /WhatsApp answered 463 for 5 different recipients within 10 min: the account is restricted/,
    );
    expect(await heldCount(kabar)).toBe(5);
    expect(await kabar.messages.get(after.id)).toMatchObject({ status: "queued" });
  });
});

async function heldCount(kabar: Kabar): Promise<number> {
  return (await kabar.messages.countByStatus()).held;
}
