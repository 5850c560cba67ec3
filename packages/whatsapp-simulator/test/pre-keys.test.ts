import type { WAMessage } from "@whiskeysockets/baileys";
import { getSession } from "wa-multi-session";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "./library-harness.js";

const sessionId = "pre-keys";

/** Every text the library decrypted from someone else, collected from the socket's own events. */
function collectTexts(): Map<string, string> {
  const texts = new Map<string, string>();
  getSession(sessionId)?.ev.on("messages.upsert", ({ messages }: { messages: WAMessage[] }) => {
    for (const message of messages) {
      const text = message.message?.conversation;
      if (!message.key.fromMe && message.key.id && text) texts.set(message.key.id, text);
    }
  });
  return texts;
}

function devicePreKeys(harness: Harness): number {
  return harness.sim.state().devices[0]?.preKeys ?? -1;
}

describe("one-time pre-keys: used up for real, topped up, and not required", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createHarness();
    await harness.link(sessionId);
  });
  afterAll(() => harness.cleanup());

  it("at 5 or fewer the server sends the encrypt count notification, and Baileys uploads more", async () => {
    const { sim } = harness;
    const texts = collectTexts();
    const start = devicePreKeys(harness);
    expect(start).toBeGreaterThan(5);
    const lowCounts: number[] = [];
    sim.on("pre-key-count-sent", ({ count }) => lowCounts.push(count));
    const uploaded = sim.waitFor("pre-keys-uploaded");
    const sent: string[] = [];
    // new contacts in a row, each waiting for the library's ack: one device pre-key each
    for (let index = 0; index < start; index += 1) {
      const number = `62813000${index.toString().padStart(5, "0")}`;
      const acked = sim.waitFor("contact-message-acked", (event) => event.number === number);
      sent.push((await sim.contacts.send(number, `kontak baru ${index}`)).id);
      await acked;
    }
    expect(lowCounts.slice(0, 2)).toEqual([5, 4]);
    // Baileys uploads when the count is below its MIN_PREKEY_COUNT (5): after the "4" notification
    expect((await uploaded).uploaded).toBe(30);
    expect(devicePreKeys(harness)).toBeGreaterThan(5);
    expect(sent.map((id) => texts.get(id) !== undefined)).toEqual(sent.map(() => true));
  });

  it("with none left serves a bundle without a one-time key, and the messages still decrypt", async () => {
    const { sim } = harness;
    const texts = collectTexts();
    const left = devicePreKeys(harness);
    let emptyTakes = 0;
    sim.on("pre-key-count-sent", ({ count }) => {
      if (count === 0) emptyTakes += 1;
    });
    // all at once: the bundles are handed out before any upload can land
    const burst = Array.from({ length: left + 5 }, (_, index) => `62814000${index.toString().padStart(5, "0")}`);
    const acked = Promise.all(
      burst.map((number) => sim.waitFor("contact-message-acked", (event) => event.number === number)),
    );
    const sent = await Promise.all(burst.map((number, index) => sim.contacts.send(number, `serbu ${index}`)));
    await acked;
    // one take emptied the pool; the 5 after it got bundles with no one-time key
    expect(emptyTakes).toBe(6);
    expect(sent.map(({ id }) => texts.get(id))).toEqual(burst.map((_, index) => `serbu ${index}`));
  });
});
