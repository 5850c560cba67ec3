/**
 * The outbox on PostgreSQL through the real wa-multi-session + Baileys against the simulator: link,
 * a text and an image (its bytes kept in MediaBlob, not on disk), every ack up to read written by
 * the one-statement ack path in PostgreSQL's placeholders.
 */
import { createHash } from "node:crypto";
import { createDatabase } from "@kabar/db";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { prepareEngine } from "./outbox-database.js";
import { countReaching } from "./outbox-harness.js";
import {
  linkSession,
  outboxWaMessageIds,
  receivedByContacts,
  type SimulatedKabar,
  startSimulatedKabar,
} from "./outbox-simulated.js";

let harness: SimulatedKabar | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  Buffer.alloc(96, 7),
  Buffer.from([0xff, 0xd9]),
]);

describe("sending against the simulator on PostgreSQL", { timeout: 90_000 }, () => {
  // the file's PostgreSQL server and template, before the test's own clock starts
  beforeAll(() => prepareEngine("postgresql"), 120_000);

  it("links, sends a text and an image once each, and both reach read", async () => {
    harness = await startSimulatedKabar({ engine: "postgresql" });
    expect(harness.databaseUrl).toMatch(/^postgresql:\/\//);
    await linkSession(harness);
    const { kabar, simulator } = harness;
    const read = countReaching(kabar.events, "read", 2, 60_000);
    const text = await kabar.messages.send({ to: "0812-3456-7890", message: "Halo dari PostgreSQL" });
    const image = await kabar.messages.sendMedia("image", {
      to: "081234567891",
      file: JPEG,
      caption: "Peta rute",
    });
    await read;

    // each id once, decrypted (the text as sent; an image carries its caption in the media)
    const received = receivedByContacts(simulator);
    expect(received.map((message) => message.id).sort()).toEqual((await outboxWaMessageIds(kabar)).sort());
    expect(received.map((message) => [message.count, message.decryptError])).toEqual([
      [1, undefined],
      [1, undefined],
    ]);
    const textMessage = await kabar.messages.get(text.id);
    expect(received.find((message) => message.id === textMessage?.waMessageId)?.text).toBe(
      "Halo dari PostgreSQL",
    );
    const imageMessage = await kabar.messages.get(image.id);
    const arrivedImage = received.find((message) => message.id === imageMessage?.waMessageId);
    expect(arrivedImage?.mediaError).toBeUndefined();
    expect(arrivedImage?.media).toMatchObject({
      type: "image",
      caption: "Peta rute",
      size: JPEG.byteLength,
      sha256: createHash("sha256").update(JPEG).digest("hex"),
    });
    // the bytes any node can send: in the shared database, under their hash
    const db = createDatabase(harness.databaseUrl);
    try {
      expect(await db.mediaBlob.findMany({ select: { sha256: true, size: true } })).toEqual([
        { sha256: createHash("sha256").update(JPEG).digest("hex"), size: JPEG.byteLength },
      ]);
    } finally {
      await db.$disconnect();
    }
    for (const id of [text.id, image.id]) {
      const message = await kabar.messages.get(id);
      expect(message).toMatchObject({ status: "read" });
      expect(message?.events.map((event) => event.status)).toEqual(
        expect.arrayContaining(["queued", "sending", "sent", "delivered", "read"]),
      );
    }
  });
});
