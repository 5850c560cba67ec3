import { type PrismaClient, throughPrisma } from "@kabar/db";
import { afterEach, describe, expect, it } from "vitest";
import {
  countReaching,
  createHarness,
  type Harness,
  nextEvent,
  statusOf,
} from "../../test/outbox-harness.js";

describe("outbox worker", { timeout: 20_000 }, () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  /** A connected harness and one message it sent ("sent" stored), with its WhatsApp id. */
  async function sentMessage(): Promise<{ id: string; waMessageId: string }> {
    harness = await createHarness();
    harness.session.connect();
    const { id } = await harness.outbox.messages.send(
      { to: "081234567890", message: "halo" },
      { waitFor: "sent" },
    );
    return { id, waMessageId: (await harness.outbox.messages.get(id))?.waMessageId ?? "" };
  }

  it("queues while disconnected and delivers in order after connecting", async () => {
    harness = await createHarness();
    const queuedEvents: string[] = [];
    harness.events.on(({ event }) => {
      if (event.type === "message.status" && event.message.status === "queued")
        queuedEvents.push(event.message.id);
    });
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      const result = await harness.outbox.messages.send({ to: "0812-3456-7890", message: `pesan ${index}` });
      expect(result).toMatchObject({ status: "queued", to: "6281234567890", duplicate: false });
      ids.push(result.id);
    }
    expect(harness.port.sends).toHaveLength(0);
    const allSent = countReaching(harness.events, "sent", 5);
    harness.session.connect();
    await allSent;
    expect(harness.port.sends.map((send) => send.text)).toEqual(
      [0, 1, 2, 3, 4].map((index) => `pesan ${index}`),
    );
    const record = await harness.outbox.messages.get(ids[0] ?? "");
    expect(record?.events.map((event) => event.status)).toEqual(["queued", "sending", "sent"]);
    expect(record?.waMessageId).toMatch(/^3EB0[0-9A-F]{18}$/);
    expect([...ids].sort()).toEqual(ids);
  });

  it("re-sends with the same WhatsApp id when the server ack does not come", async () => {
    harness = await createHarness({ ackTimeoutMs: 100 });
    harness.port.script.push("no_ack", "no_ack");
    harness.session.connect();
    const result = await harness.outbox.messages.send(
      { to: "081234567890", message: "halo" },
      { waitFor: "sent" },
    );
    expect(result.status).toBe("sent");
    expect(harness.port.sends).toHaveLength(3);
    expect(harness.port.distinctMessageIds()).toHaveLength(1);
    const record = await harness.outbox.messages.get(result.id);
    expect(record?.attempts).toBe(3);
    expect(record?.events.filter((event) => event.status === "retry")).toHaveLength(2);
  });

  it("retries transient errors with backoff up to the attempts limit, then fails with the last error", async () => {
    harness = await createHarness({ random: () => 0, retryBaseDelayMs: 40, settings: { maxAttempts: 3 } });
    harness.port.script.push("transient_error", "transient_error", "transient_error");
    harness.session.connect();
    const { id } = await harness.outbox.messages.send({ to: "081234567890", message: "halo" });
    const failed = await nextEvent(harness.events, statusOf(id, "failed"));
    expect(failed.type === "message.status" && failed.message.detail).toMatch(
      /Connection Closed \(gave up after 3 attempts\)/,
    );
    const record = await harness.outbox.messages.get(id);
    expect(record).toMatchObject({ status: "failed", attempts: 3 });
    const retries = record?.events.filter((event) => event.status === "retry") ?? [];
    expect(retries.map((event) => event.detail)).toEqual([
      "Connection Closed; attempt 1 of 3, next in 0 s",
      "Connection Closed; attempt 2 of 3, next in 0 s",
    ]);
    expect(harness.port.sends).toHaveLength(0);
  });

  it("does not count a send the dropping socket failed as an attempt, and sends at once on reconnect", async () => {
    harness = await createHarness({ settings: { maxAttempts: 1 } });
    harness.port.script.push("drop_during_send");
    harness.session.connect();
    const { id } = await harness.outbox.messages.send({ to: "081234567890", message: "halo" });
    await nextEvent(
      harness.events,
      (event) =>
        event.type === "message.status" &&
        event.message.id === id &&
        event.message.status === "queued" &&
        event.message.detail !== null,
    );
    const sent = nextEvent(harness.events, statusOf(id, "sent"));
    harness.session.connect();
    await sent;
    const record = await harness.outbox.messages.get(id);
    expect(record).toMatchObject({ status: "sent", attempts: 2 });
    expect(record?.events.some((event) => event.detail?.includes("attempt 1 of"))).toBe(false);
  });

  it("fails a library error at once, and the text queued behind it to someone else goes out", async () => {
    harness = await createHarness({ settings: { maxAttempts: 8 } });
    harness.port.script.push("library_bug");
    harness.session.connect();
    const poison = await harness.outbox.messages.send({ to: "081111111111", message: "racun" });
    const text = await harness.outbox.messages.send({ to: "082222222222", message: "teks" });
    await nextEvent(harness.events, statusOf(text.id, "sent"));
    const record = await harness.outbox.messages.get(poison.id);
    expect(record).toMatchObject({ status: "failed", attempts: 1 });
    expect(record?.lastError).toMatch(/TypeError: Cannot read properties of undefined/);
  });

  it("gives the same message for the same idempotency key", async () => {
    harness = await createHarness();
    const first = await harness.outbox.messages.send({
      to: "081234567890",
      message: "a",
      idempotencyKey: "reg-42",
    });
    const second = await harness.outbox.messages.send({
      to: "081234567890",
      message: "a",
      idempotencyKey: "reg-42",
    });
    expect(second).toMatchObject({ id: first.id, duplicate: true });
    expect(first.duplicate).toBe(false);
    const parallel = await Promise.all(
      [1, 2, 3].map(() =>
        harness.outbox.messages.send({ to: "081234567890", message: "b", idempotencyKey: "reg-43" }),
      ),
    );
    expect(new Set(parallel.map((result) => result.id)).size).toBe(1);
    expect((await harness.outbox.messages.countByStatus()).queued).toBe(2);
  });

  it("re-sends a message a killed process left in sending, with its id", async () => {
    harness = await createHarness();
    const { id } = await harness.outbox.messages.send({ to: "081234567890", message: "halo" });
    // What kill -9 between the claim and the ack leaves behind.
    await harness.database.db.outboxMessage.update({
      where: { id },
      data: { status: "sending", attempts: 1 },
    });
    await harness.restart();
    const sent = nextEvent(harness.events, statusOf(id, "sent"));
    harness.session.connect();
    await sent;
    const record = await harness.outbox.messages.get(id);
    expect(harness.port.sends.map((send) => send.messageId)).toEqual([record?.waMessageId]);
    expect(record?.events.map((event) => event.detail)).toContain("re-sent with the same id after a restart");
  });

  it("survives a failed database write and delivers the message once the database answers again", async () => {
    // The claim lands but its timeline line does not (the line is written while the message goes out):
    // the step fails after the send, and what is left in "sending" must not be stranded there.
    let failures = 1;
    harness = await createHarness({
      random: () => 0,
      databaseView: (db) => withFailingWrites(db, (status) => status === "sending" && failures-- > 0),
    });
    harness.session.connect();
    const { id } = await harness.outbox.messages.send({ to: "081234567890", message: "halo" });
    await nextEvent(harness.events, statusOf(id, "sent"));
    const record = await harness.outbox.messages.get(id);
    // sent once, and acknowledged: nothing was left to go out again
    expect(harness.port.sends.map((send) => send.messageId)).toEqual([record?.waMessageId]);
    expect(record?.status).toBe("sent");
    // the worker is still running: a later message goes out too
    await harness.outbox.messages.send({ to: "081234567890", message: "lagi" }, { waitFor: "sent" });
    expect(harness.port.sends).toHaveLength(2);
  });

  it("records delivered and read acks by WhatsApp id, even after a restart", async () => {
    const { id, waMessageId } = await sentMessage();
    await harness.restart();
    const read = nextEvent(harness.events, statusOf(id, "read"));
    harness.port.ack("kabar_test", waMessageId, "read");
    harness.port.ack("kabar_test", waMessageId, "delivered");
    await read;
    await nextEvent(harness.events, () => false, 50).catch(() => undefined);
    const after = await harness.outbox.messages.get(id);
    expect(after).toMatchObject({ status: "read" });
    expect(after?.readAt).not.toBeNull();
  });

  it("counts a read receipt that arrives alone as delivered too", async () => {
    const { id, waMessageId } = await sentMessage();
    const delivered = nextEvent(harness.events, statusOf(id, "delivered"));
    const read = nextEvent(harness.events, statusOf(id, "read"));
    harness.port.ack("kabar_test", waMessageId, "read");
    await delivered;
    await read;
    const after = await harness.outbox.messages.get(id);
    expect(after?.status).toBe("read");
    expect(after?.deliveredAt).not.toBeNull();
    expect(after?.readAt).not.toBeNull();
    // what the panel shows: a read message was delivered, in that order
    expect(after?.events.map((event) => event.status)).toEqual([
      "queued",
      "sending",
      "sent",
      "delivered",
      "read",
    ]);
  });

  it("passes over acks of messages the outbox never sent (the phone's own) and applies the ones after them", async () => {
    const { id, waMessageId } = await sentMessage();
    const before = await harness.outbox.messages.list({ limit: 10 });
    const statuses: string[] = [];
    const off = harness.events.on(({ event }) => {
      if (event.type === "message.status") statuses.push(`${event.message.id}:${event.message.status}`);
    });
    const read = nextEvent(harness.events, statusOf(id, "read"));
    for (const status of ["server_ack", "delivered", "read"] as const)
      harness.port.ack("kabar_test", "3EB0PHONE0WN", status);
    harness.port.ack("kabar_test", waMessageId, "read");
    await read;
    off();
    expect(statuses).toEqual([`${id}:delivered`, `${id}:read`]);
    const after = await harness.outbox.messages.list({ limit: 10 });
    expect(after.items.map(({ id: itemId }) => itemId)).toEqual(before.items.map(({ id: itemId }) => itemId));
  });

  it("writes delivered once when its receipt comes before the read", async () => {
    const { id, waMessageId } = await sentMessage();
    const read = nextEvent(harness.events, statusOf(id, "read"));
    harness.port.ack("kabar_test", waMessageId, "delivered");
    harness.port.ack("kabar_test", waMessageId, "read");
    await read;
    const after = await harness.outbox.messages.get(id);
    expect(after?.events.map((event) => event.status)).toEqual([
      "queued",
      "sending",
      "sent",
      "delivered",
      "read",
    ]);
    expect(after?.events[3]?.detail).toBeNull();
  });

  it("keeps queued messages through a logout and sends them after re-linking", async () => {
    harness = await createHarness();
    harness.session.connect();
    await harness.port.logout("kabar_test");
    const { id } = await harness.outbox.messages.send({ to: "081234567890", message: "halo" });
    expect((await harness.outbox.messages.get(id))?.status).toBe("queued");
    const sent = nextEvent(harness.events, statusOf(id, "sent"));
    harness.session.connect();
    await sent;
  });

  it("fails a message to a number not on WhatsApp, looking each number up once", async () => {
    harness = await createHarness({ settings: { checkOnWhatsApp: true } });
    harness.port.setNotOnWhatsApp("6281111111111");
    harness.session.connect();
    const missing = await harness.outbox.messages.send(
      { to: "0811-1111-1111", message: "x" },
      { waitFor: "sent" },
    );
    expect(missing.status).toBe("failed");
    expect((await harness.outbox.messages.get(missing.id))?.lastError).toBe("not on WhatsApp");
    await harness.outbox.messages.send({ to: "081234567890", message: "1" }, { waitFor: "sent" });
    await harness.outbox.messages.send({ to: "081234567890", message: "2" }, { waitFor: "sent" });
    expect(harness.port.onWhatsAppLookups).toBe(2);
  });
});

/** The database, except that a timeline line (a raw MessageEvent insert, outbox-insert-store.ts) whose
 * status `fails` chooses is refused as a locked or broken SQLite file would refuse it. */
function withFailingWrites(db: PrismaClient, fails: (status: unknown) => boolean): PrismaClient {
  const executeRaw: PrismaClient["$executeRawUnsafe"] = (sql, ...values) => {
    // values[1]: the line's status (messageId comes first)
    if (sql.startsWith('INSERT INTO "MessageEvent"') && fails(values[1]))
      // the type only: Prisma's promise is a Promise with a tag, and a rejection is all a caller sees
      return Promise.reject(new Error("SQLITE_IOERR: disk I/O error")) as ReturnType<
        typeof db.$executeRawUnsafe
      >;
    return db.$executeRawUnsafe(sql, ...values);
  };
  // throughPrisma: the hot statements skip Prisma's pipeline (directStatements), and would skip this wrapper
  return new Proxy(throughPrisma(db), {
    get: (target, key) => (key === "$executeRawUnsafe" ? executeRaw : Reflect.get(target, key)),
  });
}
