import { afterEach, describe, expect, it } from "vitest";
import { startOfNextDay } from "./pacing.js";
import {
  countReaching,
  createHarness,
  type Harness,
  nextEvent,
  statusOf,
} from "../../test/outbox-harness.js";

describe("outbox pacing against bans", { timeout: 20_000 }, () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("keeps a jittered gap between messages and a longer one per recipient", async () => {
    harness = await createHarness({ settings: { minGapMs: 60, maxGapMs: 120, perRecipientGapMs: 300 } });
    harness.session.connect();
    const sent = countReaching(harness.events, "sent", 4);
    for (const to of ["081111111111", "082222222222", "083333333333", "081111111111"]) {
      await harness.outbox.messages.send({ to, message: "halo" });
    }
    await sent;
    const times = harness.port.sends.map((send) => send.at);
    const gaps = times.slice(1).map((at, index) => at - (times[index] ?? at));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(55);
    // The fourth goes to the first recipient again: it waits out the per-recipient gap.
    expect((times[3] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(295);
  });

  it("holds messages past the daily cap until the next day, saying so", async () => {
    let now = Date.now();
    harness = await createHarness({ settings: { dailyCap: 2 }, clock: { now: () => now } });
    harness.session.connect();
    const first = await harness.outbox.messages.send(
      { to: "081111111111", message: "1" },
      { waitFor: "sent" },
    );
    await harness.outbox.messages.send({ to: "082222222222", message: "2" }, { waitFor: "sent" });
    const held = nextEvent(
      harness.events,
      (event) => event.type === "message.status" && /daily cap/.test(event.message.detail ?? ""),
    );
    const third = await harness.outbox.messages.send({ to: "083333333333", message: "3" });
    await held;
    const record = await harness.outbox.messages.get(third.id);
    expect(record).toMatchObject({ status: "queued" });
    expect(record?.lastError).toMatch(/daily cap of 2 messages reached; waits until/);
    expect(harness.port.sends).toHaveLength(2);
    const sent = nextEvent(harness.events, statusOf(third.id, "sent"));
    now = startOfNextDay(now) + 1000;
    // The sent rows carry the clock's times, so for the worker "today" has no sends yet.
    harness.outbox.worker.wake();
    await sent;
    expect(first.status).toBe("sent");
  });

  it("never goes past the cap, even when the messages were queued together", async () => {
    harness = await createHarness({ settings: { dailyCap: 3 } });
    harness.session.connect();
    const held = nextEvent(harness.events, (event) =>
      /daily cap/.test(event.type === "message.status" ? (event.message.detail ?? "") : ""),
    );
    for (const index of [1, 2, 3, 4, 5])
      await harness.outbox.messages.send({ to: `08111111111${index}`, message: `${index}` });
    await held;
    expect(harness.port.sends).toHaveLength(3);
    expect(await harness.outbox.messages.countByStatus()).toMatchObject({ sent: 3, queued: 2 });
  });

  it("pauses the whole outbox on 463 and keeps the message queued until resumed", async () => {
    harness = await createHarness({ restrictedCooldownMs: 60_000 });
    harness.port.script.push("restricted");
    harness.session.connect();
    const paused = nextEvent(
      harness.events,
      (event) => event.type === "message.status" && /463/.test(event.message.detail ?? ""),
    );
    const first = await harness.outbox.messages.send({ to: "081111111111", message: "1" });
    const second = await harness.outbox.messages.send({ to: "082222222222", message: "2" });
    await paused;
    expect(harness.session.outboxPausedReason).toMatch(/463/);
    expect(harness.outbox.worker.pausedReason()).toMatch(/outbox paused until/);
    expect((await harness.outbox.messages.get(first.id))?.status).toBe("queued");
    expect(harness.port.sends).toHaveLength(1);
    const bothSent = countReaching(harness.events, "sent", 2);
    await harness.outbox.messages.resend(first.id);
    await bothSent;
    expect(harness.session.outboxPausedReason).toBeNull();
    expect(harness.port.sends.map((send) => send.text)).toEqual(["1", "1", "2"]);
    expect((await harness.outbox.messages.get(second.id))?.status).toBe("sent");
  });

  it("resumes by itself after the cool-down", async () => {
    harness = await createHarness({ restrictedCooldownMs: 150 });
    harness.port.script.push("restricted");
    harness.session.connect();
    const { id } = await harness.outbox.messages.send(
      { to: "081111111111", message: "1" },
      { waitFor: "sent" },
    );
    expect((await harness.outbox.messages.get(id))?.events.map((event) => event.status)).toEqual([
      "queued",
      "sending",
      "paused",
      "sending",
      "sent",
    ]);
  });
});
