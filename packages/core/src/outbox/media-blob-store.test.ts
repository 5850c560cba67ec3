import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness, statusOf, nextEvent } from "../../test/outbox-harness.js";
import { sha256Hex } from "./media-store.js";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
const TO = "081234567890";

describe("media bytes in PostgreSQL's MediaBlob, once, by SHA-256", { timeout: 30_000 }, () => {
  const harnesses: Harness[] = [];
  afterEach(async () => {
    for (const harness of harnesses.splice(0)) await harness.close();
  });
  async function harness(): Promise<Harness> {
    const created = await createHarness({ engine: "postgresql" });
    harnesses.push(created);
    return created;
  }
  const blobs = (h: Harness) =>
    h.database.db.mediaBlob.findMany({ select: { sha256: true, size: true }, orderBy: { sha256: "asc" } });

  it("stores the bytes once in the database, not on disk, and another outbox on it sends them", async () => {
    const accepting = await harness();
    const first = await accepting.outbox.messages.sendMedia("image", { to: TO, file: PNG, caption: "BIB" });
    await accepting.outbox.messages.sendMedia("image", { to: "081299990000", file: PNG });
    expect(await blobs(accepting)).toEqual([{ sha256: sha256Hex(PNG), size: PNG.byteLength }]);
    expect(existsSync(accepting.mediaDir)).toBe(false);
    const row = await accepting.database.db.outboxMessage.findUniqueOrThrow({
      where: { id: first.id },
      select: { media: true, mediaSha256: true },
    });
    expect(row).toEqual({ media: null, mediaSha256: sha256Hex(PNG) });

    // as a restarted node would: a new outbox on the same database, with no folder of this one's
    await accepting.restart();
    const sent = nextEvent(accepting.events, statusOf(first.id, "sent"));
    accepting.session.connect();
    await sent;
    const media = accepting.port.sends.find((send) => send.media?.caption === "BIB");
    expect([...(media?.media?.data ?? [])]).toEqual([...PNG]);
  });

  it("writes no bytes for refused media", async () => {
    const h = await harness();
    await expect(
      h.outbox.messages.sendMedia("image", { to: TO, file: PNG, mimeType: "image/gif" }),
    ).rejects.toMatchObject({ field: "mimeType" });
    expect(await blobs(h)).toEqual([]);
  });

  it("prunes bytes no message names once past the grace period; putting them again keeps them", async () => {
    const h = await harness();
    await h.outbox.messages.sendMedia("image", { to: TO, file: PNG });
    const orphan = Buffer.from("orphan");
    const fresh = Buffer.from("fresh");
    const reused = Buffer.from("put again");
    for (const bytes of [orphan, fresh, reused]) await h.mediaStore.put(bytes);
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60_000);
    await h.database.db.mediaBlob.updateMany({
      where: { sha256: { in: [sha256Hex(orphan), sha256Hex(PNG), sha256Hex(reused)] } },
      data: { createdAt: twoHoursAgo },
    });
    // the same bytes accepted again a moment before the prune: their row may be on its way
    await h.mediaStore.put(reused);

    expect(await h.outbox.pruneMedia()).toBe(1);
    expect((await blobs(h)).map((blob) => blob.sha256)).toEqual(
      [sha256Hex(PNG), sha256Hex(fresh), sha256Hex(reused)].sort(),
    );
    expect(await h.mediaStore.read(sha256Hex(orphan))).toBeNull();
    expect(await h.mediaStore.read(sha256Hex(fresh))).toEqual(new Uint8Array(fresh));
  });
});
