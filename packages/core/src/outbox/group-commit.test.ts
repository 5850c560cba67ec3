import { createDatabase } from "@kabar/db";
import { afterEach, expect, it } from "vitest";
import { createHarness, type Harness } from "../../test/outbox-harness.js";
import { describeOnEachEngine } from "../../test/outbox-database.js";
import { createGroupCommit, type GroupCommitStore } from "./group-commit.js";
import { newMessageId, newWaMessageId } from "./message-ids.js";
import { createInsertStore } from "./outbox-insert-store.js";
import type { NewOutboxMessage } from "./outbox-row.js";

const TO = "081234567890";

function newMessage(text: string, overrides: Partial<NewOutboxMessage> = {}): NewOutboxMessage {
  return {
    id: newMessageId(),
    acceptedAt: new Date(),
    waMessageId: newWaMessageId(),
    idempotencyKey: null,
    sessionId: "kabar_test",
    to: "6281234567890",
    type: "text",
    text,
    caption: null,
    fileName: null,
    mimeType: null,
    mediaSha256: null,
    mediaSize: null,
    ...overrides,
  };
}

/** The real store, counting how many transactions each path opened. */
function countingStore(store: GroupCommitStore) {
  const calls = { insertMany: [] as number[], insertOne: 0 };
  const counted: GroupCommitStore = {
    ...store,
    insertMany(messages) {
      calls.insertMany.push(messages.length);
      return store.insertMany(messages);
    },
    insertOne(message) {
      calls.insertOne += 1;
      return store.insertOne(message);
    },
  };
  return { store: counted, calls };
}

describeOnEachEngine("group commit of accepted sends", { timeout: 20_000 }, (engine) => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("accepts concurrent sends with one idempotency key once, giving every caller the same id", async () => {
    harness = await createHarness({ engine });
    const send = (index: number) =>
      harness.outbox.messages.send({ to: TO, message: `order ${index}`, idempotencyKey: "order-7" });
    const together = await Promise.all(Array.from({ length: 20 }, (_, index) => send(index)));
    // A second wave meets the key in the table rather than in the batch.
    const later = await Promise.all([send(20), send(21)]);
    const ids = new Set([...together, ...later].map((result) => result.id));
    expect(ids.size).toBe(1);
    expect([...together, ...later].filter((result) => !result.duplicate)).toHaveLength(1);
    const { db } = harness.database;
    expect(await db.outboxMessage.findMany({ select: { id: true, text: true } })).toEqual([
      { id: [...ids][0], text: "order 0" },
    ]);
    expect(await db.messageEvent.count()).toBe(1);
  });

  it("answers a key already stored from the table and still commits the rest of the batch", async () => {
    harness = await createHarness({ engine });
    const stored = await harness.outbox.messages.send({ to: TO, message: "first", idempotencyKey: "k" });
    const burst = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        harness.outbox.messages.send({
          to: TO,
          message: `burst ${index}`,
          ...(index === 4 ? { idempotencyKey: "k" } : {}),
        }),
      ),
    );
    expect(burst[4]).toMatchObject({ id: stored.id, duplicate: true });
    expect(burst.filter((result) => result.duplicate)).toHaveLength(1);
    expect(await harness.database.db.outboxMessage.count()).toBe(10);
    expect(await harness.database.db.messageEvent.count()).toBe(10);
  });

  it("retries a batch one row at a time when a row breaks a constraint, failing only that row", async () => {
    harness = await createHarness({ engine });
    const { db } = harness.database;
    const real = createInsertStore(db);
    // The key lookup misses what another writer stores just after it: the batch INSERT then meets the
    // unique index, as it would in that race.
    const { store, calls } = countingStore({ ...real, findByKeys: async () => new Map() });
    const commits = createGroupCommit(store);
    const taken = await real.insertOne(newMessage("from the other writer", { idempotencyKey: "taken" }));
    const clashingId = newMessageId();
    const messages = [
      newMessage("a"),
      newMessage("b", { idempotencyKey: "taken" }),
      newMessage("c", { id: clashingId }),
      newMessage("d", { id: clashingId }),
      newMessage("e"),
    ];
    const outcomes = await Promise.allSettled(messages.map((message) => commits.insert(message)));
    expect(calls).toEqual({ insertMany: [5], insertOne: 5 });
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "fulfilled",
      "rejected",
      "fulfilled",
    ]);
    expect(outcomes[1]).toMatchObject({ value: { row: { id: taken.row.id }, duplicate: true } });
    const rows = await db.outboxMessage.findMany({ orderBy: { seq: "asc" }, select: { text: true } });
    expect(rows.map((row) => row.text)).toEqual(["from the other writer", "a", "c", "e"]);
    expect(await db.messageEvent.count()).toBe(4);
  });

  it("stores a concurrent burst in arrival order, sharing commits", async () => {
    harness = await createHarness({ engine });
    const { store, calls } = countingStore(createInsertStore(harness.database.db));
    const commits = createGroupCommit(store);
    const messages = Array.from({ length: 120 }, (_, index) => newMessage(`m${index}`));
    await Promise.all(messages.map((message) => commits.insert(message)));
    expect(calls.insertMany.length).toBeLessThan(10);
    expect(calls.insertOne).toBe(0);

    const sent = await Promise.all(
      Array.from({ length: 150 }, (_, index) =>
        harness.outbox.messages.send({ to: TO, message: `s${index}` }),
      ),
    );
    const rows = await harness.database.db.outboxMessage.findMany({
      orderBy: { seq: "asc" },
      select: { id: true, text: true },
    });
    expect(rows.map((row) => row.text)).toEqual([
      ...messages.map((message) => message.text),
      ...sent.map((_, index) => `s${index}`),
    ]);
    expect(rows.slice(messages.length).map((row) => row.id)).toEqual(sent.map((result) => result.id));
  });

  it("resolves each send only once its row and its queued event are committed", async () => {
    harness = await createHarness({ engine });
    // Another connection sees only what is committed.
    const reader = createDatabase(harness.database.url);
    try {
      const checks = await Promise.all(
        Array.from({ length: 200 }, (_, index) =>
          harness.outbox.messages.send({ to: TO, message: `c${index}` }).then(async (result) => {
            const [row, events] = await Promise.all([
              reader.outboxMessage.findUnique({ where: { id: result.id }, select: { status: true } }),
              reader.messageEvent.findMany({ where: { messageId: result.id }, select: { status: true } }),
            ]);
            return { row, events };
          }),
        ),
      );
      for (const check of checks)
        expect(check).toEqual({ row: { status: "queued" }, events: [{ status: "queued" }] });
    } finally {
      await reader.$disconnect();
    }
  });

  it("rejects every send of a batch the database itself refused, and accepts again afterwards", async () => {
    harness = await createHarness({ engine });
    const real = createInsertStore(harness.database.db);
    let isDown = true;
    const commits = createGroupCommit({
      ...real,
      async insertMany(messages) {
        if (isDown) throw new Error("disk I/O error");
        return real.insertMany(messages);
      },
    });
    const outcomes = await Promise.allSettled([
      commits.insert(newMessage("x")),
      commits.insert(newMessage("y")),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected"]);
    isDown = false;
    await expect(commits.insert(newMessage("z"))).resolves.toMatchObject({ duplicate: false });
    expect(await harness.database.db.outboxMessage.count()).toBe(1);
  });
});
