import { afterEach, expect, it } from "vitest";
import {
  countReaching,
  createHarness,
  type Harness,
  nextEvent,
  statusOf,
} from "../../test/outbox-harness.js";
import { describeOnEachEngine } from "../../test/outbox-database.js";
import { newMessageId, newWaMessageId } from "./message-ids.js";
import { createOutboxRepository } from "./outbox-repository.js";

describeOnEachEngine("hand-off to the idle worker", { timeout: 20_000 }, (engine) => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("sends a message accepted while the queue is empty with the queued and sending lines of one commit", async () => {
    harness = await createHarness({ engine });
    harness.session.connect();
    // The first message goes through the queue (the worker has not looked at it yet); the ones
    // after it find the worker knowing the queue empty.
    for (const text of ["satu", "dua", "tiga"])
      await harness.outbox.messages.send({ to: "081234567890", message: text }, { waitFor: "sent" });
    const handed = await harness.outbox.messages.send({ to: "081234567891", message: "empat" });
    expect(handed.status).toBe("queued");
    await nextEvent(harness.events, statusOf(handed.id, "sent"));
    expect(harness.port.sends.map((send) => send.text)).toEqual(["satu", "dua", "tiga", "empat"]);
    const record = await harness.outbox.messages.get(handed.id);
    expect(record?.events.map((event) => event.status)).toEqual(["queued", "sending", "sent"]);
    expect(record?.attempts).toBe(1);
  });

  it("puts a message handed off behind an unacknowledged send back in its place, after that re-send", async () => {
    harness = await createHarness({ engine, ackTimeoutMs: 150 });
    harness.session.connect();
    await harness.outbox.messages.send({ to: "081234567890", message: "pemanasan" }, { waitFor: "sent" });
    harness.port.script.push("no_ack");
    // Listening first: a handed-off message's "sending" comes as soon as it is committed.
    const firstInFlight = nextEvent(
      harness.events,
      (event) => event.type === "message.status" && event.message.status === "sending",
    );
    await harness.outbox.messages.send({ to: "081234567890", message: "pertama" });
    await firstInFlight;
    const bothSent = countReaching(harness.events, "sent", 2);
    const second = await harness.outbox.messages.send({ to: "081234567890", message: "kedua" });
    await bothSent;
    // The recipient sees them in the order they were accepted: the first (twice, one id), then the second.
    expect(harness.port.sends.map((send) => send.text)).toEqual(["pemanasan", "pertama", "pertama", "kedua"]);
    const record = await harness.outbox.messages.get(second.id);
    expect(record?.events.map((event) => [event.status, event.detail])).toEqual([
      ["queued", null],
      ["sending", null],
      ["retry", "queued behind a message that goes out again first"],
      ["sending", null],
      ["sent", null],
    ]);
    expect(record?.attempts).toBe(1);
  });

  it("re-sends with the same WhatsApp id a message a crash left as handed off (stored sending)", async () => {
    harness = await createHarness({ engine });
    await harness.outbox.worker.close();
    const waMessageId = newWaMessageId();
    const { row, timeline } = await createOutboxRepository(harness.database.db).insert(
      {
        id: newMessageId(),
        acceptedAt: new Date(),
        waMessageId,
        idempotencyKey: null,
        sessionId: "s",
        to: "6281234567890",
        type: "text",
        text: "sesudah crash",
        caption: null,
        fileName: null,
        mimeType: null,
        mediaSha256: null,
        mediaSize: null,
      },
      () => true,
    );
    expect(row.status).toBe("sending");
    // the crash comes after its lines were written (they are written while the message goes out)
    await timeline;
    harness.session.connect();
    const sent = nextEvent(harness.events, statusOf(row.id, "sent"));
    await harness.restart();
    await sent;
    expect(harness.port.sends.map((send) => [send.text, send.messageId])).toEqual([
      ["sesudah crash", waMessageId],
    ]);
    const record = await harness.outbox.messages.get(row.id);
    expect(record?.events.map((event) => event.status)).toEqual([
      "queued",
      "sending",
      "retry",
      "sending",
      "sent",
    ]);
  });
});
