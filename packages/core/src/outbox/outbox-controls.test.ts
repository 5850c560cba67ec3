import { afterEach, expect, it } from "vitest";
import { createHarness, type Harness, nextEvent, statusOf } from "../../test/outbox-harness.js";
import { describeOnEachEngine } from "../../test/outbox-database.js";

describeOnEachEngine("cancel, pause by hand, on-WhatsApp answers", { timeout: 20_000 }, (engine) => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("cancels queued and held messages, never one that went out", async () => {
    harness = await createHarness({ engine });
    const queued = await harness.outbox.messages.send({ to: "081111111111", message: "antri" });
    expect(await harness.outbox.messages.cancel(queued.id)).toMatchObject({ status: "cancelled" });
    await expect(harness.outbox.messages.cancel(queued.id)).rejects.toMatchObject({
      code: "MESSAGE_NOT_CANCELLABLE",
      message: `Message ${queued.id} is cancelled; only queued or held messages can be cancelled.`,
    });

    harness.port.script.push("restricted");
    harness.session.connect();
    const cold = await harness.outbox.messages.send({ to: "082222222222", message: "dingin" });
    await nextEvent(harness.events, statusOf(cold.id, "held"));
    expect(await harness.outbox.messages.cancel(cold.id)).toMatchObject({ status: "cancelled" });
    const sent = await harness.outbox.messages.send(
      { to: "083333333333", message: "terkirim" },
      { waitFor: "sent" },
    );
    await expect(harness.outbox.messages.cancel(sent.id)).rejects.toMatchObject({
      code: "MESSAGE_NOT_CANCELLABLE",
    });
    expect(harness.port.sends.map((send) => send.text)).toEqual(["dingin", "terkirim"]);
    expect(await harness.outbox.messages.countByStatus()).toMatchObject({ cancelled: 2, sent: 1 });
  });

  it("keeps a pause by hand across a restart, and sends after resume", async () => {
    harness = await createHarness({ engine });
    harness.session.connect();
    const pausedByHand = {
      pausedReason: "acara ditunda",
      pausedCode: "paused_by_hand",
      pausedParams: { reason: "acara ditunda" },
      isPausedByHand: true,
    };
    expect(await harness.outbox.controls.pause({ reason: "acara ditunda" })).toEqual(pausedByHand);
    const { id } = await harness.outbox.messages.send({ to: "081111111111", message: "tunggu" });
    await harness.restart();
    // the code survives the restart with the reason
    expect(harness.outbox.controls.state()).toEqual(pausedByHand);
    expect(harness.session.outboxPausedReason).toBe("acara ditunda");
    expect((await harness.outbox.messages.get(id))?.status).toBe("queued");
    expect(harness.port.sends).toHaveLength(0);

    const sent = nextEvent(harness.events, statusOf(id, "sent"));
    expect(await harness.outbox.controls.resume()).toEqual({
      pausedReason: null,
      pausedCode: null,
      pausedParams: null,
      isPausedByHand: false,
    });
    await sent;
    await harness.restart();
    expect(harness.outbox.controls.state().isPausedByHand).toBe(false);
  });

  it("refuses a bad pause reason and changes nothing", async () => {
    harness = await createHarness({ engine });
    await expect(harness.outbox.controls.pause({ reason: " " })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "reason",
    });
    expect(harness.outbox.controls.state().isPausedByHand).toBe(false);
  });

  it("trusts a 'not on WhatsApp' answer for a day and a 'yes' for a week, then looks again", async () => {
    let now = Date.parse("2026-12-01T08:00:00Z");
    harness = await createHarness({ engine, settings: { checkOnWhatsApp: true }, clock: { now: () => now } });
    harness.port.setNotOnWhatsApp("6281111111111");
    harness.session.connect();
    const first = await harness.outbox.messages.send(
      { to: "081111111111", message: "1" },
      { waitFor: "sent" },
    );
    expect(first.status).toBe("failed");
    await harness.outbox.messages.send({ to: "082222222222", message: "ya" }, { waitFor: "sent" });
    expect(harness.port.onWhatsAppLookups).toBe(2);
    const [no, yes] = (await harness.outbox.onWhatsApp.list()).sort((a, b) =>
      a.number.localeCompare(b.number),
    );
    expect(no).toMatchObject({ isOnWhatsApp: false, expiresAt: "2026-12-02T08:00:00.000Z" });
    expect(yes).toMatchObject({ isOnWhatsApp: true, expiresAt: "2026-12-08T08:00:00.000Z" });

    // Within the day: the cached "no" answers; after it, the number is asked again.
    now += 23 * 3_600_000;
    await harness.outbox.messages.send({ to: "081111111111", message: "2" }, { waitFor: "sent" });
    expect(harness.port.onWhatsAppLookups).toBe(2);
    now += 2 * 3_600_000;
    await harness.outbox.messages.send({ to: "081111111111", message: "3" }, { waitFor: "sent" });
    expect(harness.port.onWhatsAppLookups).toBe(3);
    await harness.outbox.messages.send({ to: "082222222222", message: "ya 2" }, { waitFor: "sent" });
    expect(harness.port.onWhatsAppLookups).toBe(3);
    now += 7 * 86_400_000;
    await harness.outbox.messages.send({ to: "082222222222", message: "ya 3" }, { waitFor: "sent" });
    expect(harness.port.onWhatsAppLookups).toBe(4);
  });

  it("clears one answer so the next message looks the number up again", async () => {
    harness = await createHarness({ engine, settings: { checkOnWhatsApp: true } });
    harness.port.setNotOnWhatsApp("6281111111111");
    harness.session.connect();
    await harness.outbox.messages.send({ to: "081111111111", message: "1" }, { waitFor: "sent" });
    expect(await harness.outbox.onWhatsApp.clear({ number: "0811-1111-1111" })).toEqual({ cleared: true });
    expect(await harness.outbox.onWhatsApp.list()).toEqual([]);
    await harness.outbox.messages.send({ to: "081111111111", message: "2" }, { waitFor: "sent" });
    expect(harness.port.onWhatsAppLookups).toBe(2);
    await expect(harness.outbox.onWhatsApp.clear({ number: "" })).rejects.toMatchObject({ field: "number" });
  });
});
