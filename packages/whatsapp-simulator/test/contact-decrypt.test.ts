import { getSession, sendTextMessage } from "wa-multi-session";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReceivedMessage } from "../src/index.js";
import { createHarness, type Harness } from "./library-harness.js";

const sessionId = "contact-decrypt";
const first = "6281299990021";
const second = "6281299990022";
const jidOf = (number: string) => `${number}@s.whatsapp.net`;

function undecrypted(messages: ReceivedMessage[]) {
  return messages.filter((message) => message.decryptError !== undefined);
}

describe("contacts decrypt every copy the library sends", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createHarness();
    await harness.link(sessionId);
  });
  afterAll(async () => harness.cleanup());

  it("decrypts a burst of 120 sends to one contact", async () => {
    const texts = Array.from({ length: 120 }, (_, index) => `burst ${index}`);
    for (const text of texts) await sendTextMessage({ sessionId, to: first, text });
    const messages = await harness.sim.waitForMessages(first, texts.length);
    expect(undecrypted(messages)).toEqual([]);
    expect(messages.map((message) => message.text)).toEqual(texts);
  });

  it("decrypts 100 sends interleaved between two contacts", async () => {
    const before = harness.sim.contacts.messages(first).length;
    const texts = Array.from({ length: 100 }, (_, index) => `interleaved ${index}`);
    for (const [index, text] of texts.entries()) {
      await sendTextMessage({ sessionId, to: index % 2 ? second : first, text });
    }
    const toFirst = (await harness.sim.waitForMessages(first, before + 50)).slice(before);
    const toSecond = await harness.sim.waitForMessages(second, 50);
    expect(undecrypted([...toFirst, ...toSecond])).toEqual([]);
    expect(toFirst.map((message) => message.text)).toEqual(texts.filter((_, index) => index % 2 === 0));
    expect(toSecond.map((message) => message.text)).toEqual(texts.filter((_, index) => index % 2 === 1));
  });

  it("decrypts resends of the same ids (new counters), counting each id once", async () => {
    const socket = getSession(sessionId);
    const ids = Array.from({ length: 20 }, (_, index) => `3EB0RESEND${index.toString().padStart(10, "0")}`);
    for (const round of [1, 2]) {
      const last = harness.sim.waitFor(
        "message",
        (event) => event.message.id === ids.at(-1) && event.message.count === round,
      );
      for (const [index, messageId] of ids.entries()) {
        await socket?.sendMessage(jidOf(first), { text: `resend ${index}` }, { messageId });
      }
      await last;
    }
    const resent = harness.sim.contacts.messages(first).filter((message) => ids.includes(message.id));
    expect(undecrypted(resent)).toEqual([]);
    expect(resent.map((message) => [message.text, message.count])).toEqual(
      ids.map((_, index) => [`resend ${index}`, 2]),
    );
  });

  /**
   * Overlapping sends share one Baileys key-store transaction, and a session read that completes late
   * overwrites the cached, already advanced session with the stored one: the library then encrypts
   * several messages under the same counter (measured: 50 concurrent sends, all with one counter). Only
   * the first can be decrypted — by this contact or a real phone. What a real phone does, the contact
   * does: a retry receipt, after which Baileys fetches a new pre-key bundle (a new session), so a resend
   * with the same id decrypts.
   */
  it("asks for a retry when the library reuses a counter, and decrypts the same-id resend", async () => {
    const socket = getSession(sessionId);
    const before = harness.sim.contacts.messages(second).length;
    const texts = ["overlap 0", "overlap 1", "overlap 2", "overlap 3"];
    const retries: string[] = [];
    const onRetry = ({ number, id }: { number: string; id: string }) => {
      if (number === second) retries.push(id);
    };
    harness.sim.on("retry-receipt", onRetry);
    const sent = await Promise.all(texts.map((text) => socket?.sendMessage(jidOf(second), { text })));
    const copies = (await harness.sim.waitForMessages(second, before + texts.length)).slice(before);
    const failed = undecrypted(copies);
    // the library's doing, not the contact's: remove this line if a Baileys upgrade stops reusing counters
    expect(failed.length).toBeGreaterThan(0);
    for (const copy of failed) expect(copy.decryptError).toMatch(/Key used already/);
    await expect.poll(() => retries.length).toBe(failed.length);
    expect(retries.sort()).toEqual(failed.map((copy) => copy.id).sort());
    harness.sim.off("retry-receipt", onRetry);

    for (const copy of failed) {
      const index = sent.findIndex((message) => message?.key.id === copy.id);
      const repaired = harness.sim.waitFor("message", (event) => event.message.id === copy.id);
      await socket?.sendMessage(jidOf(second), { text: texts[index] ?? "" }, { messageId: copy.id });
      expect((await repaired).message).toMatchObject({ text: texts[index], count: 2 });
    }
    const all = harness.sim.contacts.messages(second).slice(before);
    expect(undecrypted(all)).toEqual([]);
    expect(all.map((message) => message.text).sort()).toEqual(texts);
  });
});
