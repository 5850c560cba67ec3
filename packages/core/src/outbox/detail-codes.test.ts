import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness, nextEvent, statusOf } from "../../test/outbox-harness.js";
import { FAKE_LINKED_NUMBER } from "../whatsapp/fake-whatsapp-port.js";
import { readDetailCode } from "./detail-codes.js";
import { startOfNextDay } from "./pacing.js";

/** The panel translates these codes; the English detail stays beside them for logs and programs. */
describe("codes beside the outbox's English words", { timeout: 20_000 }, () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("a daily cap line and last error carry daily_cap with the cap and the time it waits until", async () => {
    const now = Date.now();
    harness = await createHarness({ settings: { dailyCap: 1 }, clock: { now: () => now } });
    harness.session.connect();
    await harness.outbox.messages.send({ to: "081111111111", message: "1" }, { waitFor: "sent" });
    const capped = nextEvent(
      harness.events,
      (event) =>
        event.type === "message.status" && event.message.status === "queued" && event.message.detail !== null,
    );
    const second = await harness.outbox.messages.send({ to: "082222222222", message: "2" });
    await capped;
    const until = new Date(startOfNextDay(now, "Asia/Jakarta")).toISOString();
    const record = await harness.outbox.messages.get(second.id);
    expect(record?.events.at(-1)).toMatchObject({
      status: "paused",
      detail: `daily cap of 1 messages reached; waits until ${until}`,
      code: "daily_cap",
      params: { cap: 1, until },
    });
    expect(record).toMatchObject({ lastErrorCode: "daily_cap", lastErrorParams: { cap: 1, until } });
    // a line with nothing to say has no code
    expect(record?.events[0]).toMatchObject({ status: "queued", detail: null, code: null, params: null });
  });

  it("a hold says held_first_message with the link, its release and a hand's cancel say theirs", async () => {
    harness = await createHarness();
    harness.port.script.push("restricted");
    harness.session.connect();
    const cold = await harness.outbox.messages.send({ to: "081111111111", message: "1" });
    await nextEvent(harness.events, statusOf(cold.id, "held"));
    const link = `https://wa.me/${FAKE_LINKED_NUMBER}?text=Halo`;
    const held = await harness.outbox.messages.get(cold.id);
    expect(held?.events.at(-1)).toMatchObject({
      status: "held",
      code: "held_first_message",
      params: { link, error: expect.any(String) },
    });
    expect(held?.events.at(-1)?.detail).toMatch(/^the recipient must message you first/);
    expect(held).toMatchObject({
      lastErrorCode: "held_first_message",
      lastError: held?.events.at(-1)?.detail,
    });

    const queued = nextEvent(harness.events, statusOf(cold.id, "queued"));
    harness.port.emit("privacyToken", { sessionId: harness.session.sessionId, from: "6281111111111" });
    await queued;
    const released = await harness.outbox.messages.get(cold.id);
    expect(released?.events.find((event) => event.status === "retry")).toMatchObject({
      code: "released_privacy_token",
      detail: "the recipient shared a privacy token; sending the held message",
    });
    expect(released).toMatchObject({ lastError: null, lastErrorCode: null, lastErrorParams: null });

    harness.session.drop();
    const later = await harness.outbox.messages.send({ to: "083333333333", message: "3" });
    const cancelled = await harness.outbox.messages.cancel(later.id);
    expect(cancelled.events.at(-1)).toMatchObject({ code: "cancelled_by_hand", detail: "cancelled by hand" });
  });

  it("the outbox's pause says paused_restricted (463s) or paused_by_hand with the person's reason", async () => {
    harness = await createHarness({
      restrictedCooldownMs: 60_000,
      settings: { holdsBeforePause: 2, holdsWindowMs: 60_000 },
    });
    harness.port.script.push("restricted", "restricted");
    harness.session.connect();
    const paused = new Promise<void>((resolve) => {
      harness.session.onStatus((status) => {
        if (status.outboxPausedCode !== null) resolve();
      });
    });
    await harness.outbox.messages.send({ to: "081111111111", message: "1" });
    await harness.outbox.messages.send({ to: "082222222222", message: "2" });
    await paused;
    const status = harness.session.status();
    expect(status).toMatchObject({
      outboxPausedCode: "paused_restricted",
      outboxPausedParams: { recipients: 2, minutes: 1, until: expect.any(String) },
    });
    expect(status.outboxPausedReason).toMatch(/^WhatsApp answered 463 for 2 different recipients/);

    await harness.outbox.controls.pause({ reason: "acara ditunda" });
    expect(harness.session.status()).toMatchObject({
      outboxPausedReason: "acara ditunda",
      outboxPausedCode: "paused_by_hand",
      outboxPausedParams: { reason: "acara ditunda" },
    });
    await harness.outbox.controls.resume();
    await harness.outbox.controls.pause();
    expect(harness.session.status()).toMatchObject({
      outboxPausedReason: "paused by hand",
      outboxPausedCode: "paused_by_hand",
      outboxPausedParams: { reason: null },
    });
  });

  it("reads a code this build does not know as none, so the English shows", () => {
    expect(readDetailCode("some_future_code", "{}")).toBeNull();
    expect(readDetailCode(null, null)).toBeNull();
    expect(readDetailCode("daily_cap", '{"cap":5,"until":"x","nested":{}}')).toEqual({
      code: "daily_cap",
      params: { cap: 5, until: "x" },
    });
  });
});
