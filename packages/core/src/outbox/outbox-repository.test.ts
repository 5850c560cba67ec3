import { afterEach, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase, describeOnEachEngine } from "../../test/outbox-database.js";
import { newMessageId, newWaMessageId } from "./message-ids.js";
import { createOutboxRepository, type OutboxRow } from "./outbox-repository.js";

function newMessage(to: string, text: string) {
  return {
    id: newMessageId(Date.now()),
    acceptedAt: new Date(),
    waMessageId: newWaMessageId(),
    idempotencyKey: null,
    sessionId: "main_session",
    to,
    type: "text" as const,
    text,
    caption: null,
    fileName: null,
    mimeType: null,
    media: null,
    mediaSha256: null,
    mediaSize: null,
  };
}

describeOnEachEngine("outbox repository: an ack in one statement", {}, (engine) => {
  let database: TestDatabase;
  afterEach(async () => {
    await database.close();
  });

  it("moves a message forward with the dates the general path writes, and leaves failed ones to it", async () => {
    database = await createTestDatabase(undefined, engine);
    const { db } = database;
    const repository = createOutboxRepository(db);
    const { row } = await repository.insert(newMessage("6281200000010", "halo"));
    await db.outboxMessage.update({ where: { id: row.id }, data: { status: "sending" } });
    const sentAt = new Date("2026-12-02T08:00:00.000Z");
    const readAt = new Date("2026-12-02T08:00:05.000Z");

    expect(await repository.moveOnAck(row.waMessageId, "sent", sentAt)).toEqual({
      id: row.id,
      to: row.to,
      impliesDelivered: false,
    });
    // a read receipt alone: delivered too, sentAt kept, and the caller told so for the timeline
    expect(await repository.moveOnAck(row.waMessageId, "read", readAt)).toEqual({
      id: row.id,
      to: row.to,
      impliesDelivered: true,
    });
    const stored = await db.outboxMessage.findUniqueOrThrow({ where: { id: row.id } });
    expect(stored).toMatchObject({ status: "read", sentAt, deliveredAt: readAt, readAt });
    // never back: a late delivered receipt changes nothing
    expect(await repository.moveOnAck(row.waMessageId, "delivered", new Date())).toBeNull();
    expect((await db.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("read");

    const failed = (await repository.insert(newMessage("6281200000011", "gagal"))).row;
    await db.outboxMessage.update({ where: { id: failed.id }, data: { status: "failed", lastError: "x" } });
    expect(await repository.moveOnAck(failed.waMessageId, "sent", sentAt)).toBeNull();

    // delivered first, then read: the read implies nothing new
    const second = (await repository.insert(newMessage("6281200000012", "dua"))).row;
    await db.outboxMessage.update({ where: { id: second.id }, data: { status: "sent" } });
    expect(await repository.moveOnAck(second.waMessageId, "delivered", sentAt)).toMatchObject({
      impliesDelivered: false,
    });
    expect(await repository.moveOnAck(second.waMessageId, "read", readAt)).toMatchObject({
      impliesDelivered: false,
    });
    expect(await db.outboxMessage.findUniqueOrThrow({ where: { id: second.id } })).toMatchObject({
      deliveredAt: sentAt,
      readAt,
    });
  });
});

describeOnEachEngine("outbox repository: queued heads", {}, (engine) => {
  let database: TestDatabase;
  afterEach(async () => {
    await database.close();
  });

  /** Each recipient's oldest unfinished row, when queued: what the worker may send, by definition. */
  function expectedHeads(rows: readonly OutboxRow[]): string[] {
    const seen = new Set<string>();
    const heads: string[] = [];
    for (const row of [...rows].sort((a, b) => a.seq - b.seq)) {
      if (!["queued", "sending", "held"].includes(row.status) || seen.has(row.to)) continue;
      seen.add(row.to);
      if (row.status === "queued") heads.push(row.id);
    }
    return heads;
  }

  it("finds the same heads in a long queue (read by recipient) and a short one (read whole)", async () => {
    database = await createTestDatabase(undefined, engine);
    const { db } = database;
    const repository = createOutboxRepository(db);
    for (let index = 0; index < 100; index += 1) {
      await repository.insert(newMessage(`62812000000${index % 10}`, `pesan ${index}`));
    }
    const all = () => db.outboxMessage.findMany({ orderBy: { seq: "asc" } });
    const rows = await all();
    // recipient 0's head in flight, recipient 1's held, recipient 2's first two sent
    await db.outboxMessage.update({ where: { id: rows[0]?.id }, data: { status: "sending" } });
    await db.outboxMessage.update({ where: { id: rows[1]?.id }, data: { status: "held" } });
    await db.outboxMessage.updateMany({
      where: { id: { in: [rows[2]?.id ?? "", rows[12]?.id ?? ""] } },
      data: { status: "sent" },
    });

    const long = await repository.queuedHeads();
    expect(long.heads.map((row) => row.id)).toEqual(expectedHeads(await all()));
    expect(long.heads).toHaveLength(8);
    expect(long.followed.size).toBe(10);

    // most of them sent: from now on the queue is short enough to be read whole
    const sentIds = rows.slice(0, 90).map((row) => row.id);
    await db.outboxMessage.updateMany({
      where: { id: { in: sentIds }, status: "queued" },
      data: { status: "sent" },
    });
    for (let read = 0; read < 2; read += 1) {
      const short = await repository.queuedHeads();
      expect(short.heads.map((row) => row.id)).toEqual(expectedHeads(await all()));
      // recipients 0 and 1 stay behind their in-flight and held messages
      expect(short.heads.map((row) => row.to)).toEqual(
        ["2", "3", "4", "5", "6", "7", "8", "9"].map((digit) => `62812000000${digit}`),
      );
      // and they are the ones with a message waiting behind another
      expect([...short.followed].sort()).toEqual(["628120000000", "628120000001"]);
    }
  });
});
