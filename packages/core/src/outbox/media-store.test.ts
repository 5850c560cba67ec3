import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../test/outbox-harness.js";
import { createMediaStore, sha256Hex } from "./media-store.js";
import { MEDIA_LIMITS } from "./read-media.js";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
const TO = "081234567890";

async function mediaFiles(harness: Harness): Promise<string[]> {
  return readdir(harness.mediaDir).catch(() => []);
}

describe("media bytes on disk, once, by SHA-256", { timeout: 20_000 }, () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("keeps the bytes in media/<sha256>, not in the row, and sends them after a restart", async () => {
    harness = await createHarness();
    const first = await harness.outbox.messages.sendMedia("image", { to: TO, file: PNG, caption: "BIB" });
    await harness.outbox.messages.sendMedia("image", { to: "081299990000", file: PNG });
    const sha256 = sha256Hex(PNG);
    expect(await mediaFiles(harness)).toEqual([sha256]);
    expect(new Uint8Array(await readFile(path.join(harness.mediaDir, sha256)))).toEqual(PNG);
    const row = await harness.database.db.outboxMessage.findUniqueOrThrow({
      where: { id: first.id },
      select: { media: true, mediaSha256: true, mediaSize: true },
    });
    expect(row).toEqual({ media: null, mediaSha256: sha256, mediaSize: PNG.byteLength });

    await harness.restart();
    const sent = new Promise<void>((resolve) => {
      const off = harness.events.on(({ event }) => {
        if (
          event.type === "message.status" &&
          event.message.id === first.id &&
          event.message.status === "sent"
        ) {
          off();
          resolve();
        }
      });
    });
    harness.session.connect();
    await sent;
    const media = harness.port.sends.find((send) => send.media)?.media;
    expect(media && { ...media, data: [...media.data] }).toEqual({
      type: "image",
      data: [...PNG],
      fileName: "image.png",
      mimeType: "image/png",
      caption: "BIB",
    });
  });

  it("sends a retry (no server ack in time) with the same WhatsApp id and the same bytes", async () => {
    harness = await createHarness({ ackTimeoutMs: 200 });
    harness.port.script.push("no_ack", "ack");
    harness.session.connect();
    const image = await harness.outbox.messages.sendMedia(
      "image",
      { to: TO, file: PNG },
      { waitFor: "sent" },
    );
    const waMessageId = (await harness.outbox.messages.get(image.id))?.waMessageId;
    expect(harness.port.sends.map((send) => send.messageId)).toEqual([waMessageId, waMessageId]);
    expect(harness.port.sends.map((send) => [...(send.media?.data ?? [])])).toEqual([[...PNG], [...PNG]]);
  });

  it("still sends a row an older version wrote with the bytes inside it", async () => {
    harness = await createHarness();
    const session = await harness.session.get();
    await harness.database.db.outboxMessage.create({
      data: {
        id: "msg_legacy",
        sessionId: session?.sessionId ?? "panitia_lari",
        to: "6281234567890",
        type: "document",
        fileName: "jadwal.pdf",
        mimeType: "application/pdf",
        media: new Uint8Array(Buffer.from("%PDF-1.4 lama")),
        waMessageId: "3EB0LEGACY0001",
      },
    });
    harness.outbox.worker.wake();
    harness.session.connect();
    await expect.poll(() => harness.port.sends.length, { timeout: 5_000 }).toBe(1);
    expect(Buffer.from(harness.port.sends[0]?.media?.data ?? []).toString()).toBe("%PDF-1.4 lama");
    expect(harness.port.sends[0]?.messageId).toBe("3EB0LEGACY0001");
  });

  it("writes nothing and queues nothing for refused media", async () => {
    harness = await createHarness();
    const refusals = [
      { type: "image" as const, file: new Uint8Array(0), field: "file" },
      { type: "document" as const, file: new Uint8Array(0), field: "file" },
      { type: "image" as const, file: PNG, mimeType: "image/gif", field: "mimeType" },
      { type: "image" as const, file: Buffer.from("%PDF-1.4"), mimeType: "image/png", field: "file" },
      { type: "image" as const, file: new Uint8Array(MEDIA_LIMITS.image + 1), field: "file" },
    ];
    for (const { type, field, ...input } of refusals) {
      await expect(harness.outbox.messages.sendMedia(type, { to: TO, ...input })).rejects.toMatchObject({
        field,
        message: expect.stringMatching(new RegExp(`^${field}: `)),
      });
    }
    expect(await harness.database.db.outboxMessage.count()).toBe(0);
    expect(await mediaFiles(harness)).toEqual([]);
  });

  it("prunes files no message names and temp files a crash left, never a referenced or fresh one", async () => {
    harness = await createHarness();
    await harness.outbox.messages.sendMedia("image", { to: TO, file: PNG });
    const dir = harness.mediaDir;
    const orphan = sha256Hex(Buffer.from("orphan"));
    const fresh = sha256Hex(Buffer.from("fresh"));
    await writeFile(path.join(dir, orphan), "orphan");
    await writeFile(path.join(dir, fresh), "fresh");
    await writeFile(path.join(dir, ".incoming-deadbeef"), "half a file");
    await writeFile(path.join(dir, "notes.txt"), "not ours");
    const anHourAgo = new Date(Date.now() - 2 * 60 * 60_000);
    for (const name of [orphan, ".incoming-deadbeef", sha256Hex(PNG), "notes.txt"])
      await utimes(path.join(dir, name), anHourAgo, anHourAgo);

    expect(await harness.outbox.pruneMedia()).toBe(2);
    expect((await mediaFiles(harness)).sort()).toEqual([fresh, sha256Hex(PNG), "notes.txt"].sort());
  });
});

describe("the media folder's store", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  const folder = async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "kabar-media-"));
    dirs.push(dir);
    return path.join(dir, "media");
  };

  it("reads back what was accepted, even when the caller reuses its buffer afterwards", async () => {
    const store = createMediaStore(await folder());
    const buffer = Uint8Array.from(PNG);
    const { sha256 } = await store.put(buffer);
    buffer.fill(0);
    expect(await store.read(sha256)).toEqual(PNG);
  });

  it("forgets the bytes of a file it prunes", async () => {
    const dir = await folder();
    let now = Date.now();
    const store = createMediaStore(dir, () => now);
    const { sha256 } = await store.put(PNG);
    now += 2 * 60 * 60_000;
    const anHourAgo = new Date(Date.now() - 60 * 60_000);
    await utimes(path.join(dir, sha256), anHourAgo, anHourAgo);
    expect(await store.prune(async () => false)).toBe(1);
    expect(await store.read(sha256)).toBeNull();
  });
});
