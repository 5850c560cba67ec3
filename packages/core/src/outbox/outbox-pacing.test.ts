import { FAKE_LINKED_NUMBER } from "../whatsapp/fake-whatsapp-port.js";
import { afterEach, expect, it } from "vitest";
import { startOfNextDay } from "./pacing.js";
import {
  countReaching,
  createHarness,
  type Harness,
  nextEvent,
  statusOf,
} from "../../test/outbox-harness.js";
import { describeOnEachEngine } from "../../test/outbox-database.js";

describeOnEachEngine("outbox pacing against bans", { timeout: 20_000 }, (engine) => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("keeps a jittered gap between messages and a longer one per recipient", async () => {
    harness = await createHarness({
      engine,
      settings: { minGapMs: 60, maxGapMs: 120, perRecipientGapMs: 300 },
    });
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
    harness = await createHarness({ engine, settings: { dailyCap: 2 }, clock: { now: () => now } });
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
    now = startOfNextDay(now, "Asia/Jakarta") + 1000;
    // The sent rows carry the clock's times, so for the worker "today" has no sends yet.
    harness.outbox.worker.wake();
    await sent;
    expect(first.status).toBe("sent");
  });

  it("never goes past the cap, even when the messages were queued together", async () => {
    harness = await createHarness({ engine, settings: { dailyCap: 3 } });
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

  it("holds only the recipient that got 463, with the wa.me link, and sends when they write", async () => {
    harness = await createHarness({ engine });
    harness.port.script.push("restricted");
    harness.session.connect();
    const cold = await harness.outbox.messages.send({ to: "081111111111", message: "1" });
    const behind = await harness.outbox.messages.send({ to: "081111111111", message: "1b" });
    const other = await harness.outbox.messages.send(
      { to: "082222222222", message: "2" },
      { waitFor: "sent" },
    );
    expect(other.status).toBe("sent");
    const held = await harness.outbox.messages.get(cold.id);
    expect(held).toMatchObject({
      status: "held",
      holdLink: `https://wa.me/${FAKE_LINKED_NUMBER}?text=Halo`,
    });
    expect(held?.lastError).toMatch(/the recipient must message you first/);
    expect((await harness.outbox.messages.get(behind.id))?.status).toBe("held");
    expect(harness.session.outboxPausedReason).toBeNull();

    const bothSent = Promise.all([
      nextEvent(harness.events, statusOf(cold.id, "sent")),
      nextEvent(harness.events, statusOf(behind.id, "sent")),
    ]);
    harness.port.emit("incoming", {
      sessionId: harness.session.sessionId,
      from: "6281111111111",
      messageId: "IN1",
      fromLid: null,
      type: "text",
      text: "halo",
      caption: null,
      mimeType: null,
      at: new Date(),
      isOffline: false,
    });
    await bothSent;
    // Per recipient order: the held one first, then the one behind it.
    expect(harness.port.sends.map((send) => send.text)).toEqual(["1", "2", "1", "1b"]);
    expect((await harness.outbox.messages.get(cold.id))?.holdLink).toBeNull();
  });

  it("sends a released held message at once: a refused attempt does not start the recipient's gap", async () => {
    harness = await createHarness({ engine, settings: { perRecipientGapMs: 60_000 } });
    harness.port.script.push("restricted");
    harness.session.connect();
    const cold = await harness.outbox.messages.send({ to: "081111111111", message: "1" });
    await nextEvent(harness.events, statusOf(cold.id, "held"));
    const sent = nextEvent(harness.events, statusOf(cold.id, "sent"), 5_000);
    harness.port.emit("privacyToken", { sessionId: harness.session.sessionId, from: "6281111111111" });
    await sent;
  });

  it("pauses the whole outbox when several recipients get 463 within the window, until the cool-down", async () => {
    harness = await createHarness({
      engine,
      restrictedCooldownMs: 300,
      settings: { holdsBeforePause: 2, holdsWindowMs: 60_000 },
    });
    harness.port.script.push("restricted", "restricted");
    harness.session.connect();
    const pauses: (string | null)[] = [];
    const paused = new Promise<string>((resolve) => {
      harness.session.onStatus((status) => {
        if (pauses.at(-1) !== status.outboxPausedReason) pauses.push(status.outboxPausedReason);
        if (status.outboxPausedReason !== null) resolve(status.outboxPausedReason);
      });
    });
    const first = await harness.outbox.messages.send({ to: "081111111111", message: "1" });
    await nextEvent(harness.events, statusOf(first.id, "held"));
    expect(harness.session.outboxPausedReason).toBeNull();
    await harness.outbox.messages.send({ to: "082222222222", message: "2" });
    const third = await harness.outbox.messages.send({ to: "083333333333", message: "3" });
    expect(await paused).toMatch(/463 for 2 different recipients within 1 min: the account is restricted/);
    expect((await harness.outbox.messages.get(third.id))?.status).toBe("queued");
    await nextEvent(harness.events, statusOf(third.id, "sent"));
    expect(pauses.at(-1)).toBeNull();
    expect(harness.port.sends.map((send) => send.text)).toEqual(["1", "2", "3"]);
  });
});
