/**
 * Sending through the real wa-multi-session + Baileys against the simulator (issue 4, "Sending").
 * Tests in a file run one after another: wa-multi-session keeps module-global state.
 */
import { afterEach, describe, expect, it } from "vitest";
import { countReaching, nextEvent, statusOf } from "./outbox-harness.js";
import {
  expectDecryptedExactlyOnce,
  linkSession,
  outboxWaMessageIds,
  receivedByContacts,
  type SimulatedKabar,
  sessionReaches,
  startSimulatedKabar,
} from "./outbox-simulated.js";

let harness: SimulatedKabar | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

describe("sending against the simulator", { timeout: 60_000 }, () => {
  it("delivers a small burst once each, in order, with read receipts", async () => {
    harness = await startSimulatedKabar();
    await linkSession(harness);
    const read = countReaching(harness.kabar.events, "read", 5, 30_000);
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      ids.push((await harness.kabar.messages.send({ to: "0812-3456-7890", message: `Pesan ${index}` })).id);
    }
    await read;
    await expectDecryptedExactlyOnce(harness, 5);
    // In arrival order, by WhatsApp id.
    const received = receivedByContacts(harness.simulator);
    expect(received.map((message) => message.id)).toEqual(await outboxWaMessageIds(harness.kabar));
    expect(received.every((message) => message.count === 1)).toBe(true);
    expect(await harness.kabar.messages.get(ids[0] ?? "")).toMatchObject({ status: "read" });
  });

  it("sends once for a repeated idempotency key", async () => {
    harness = await startSimulatedKabar();
    await linkSession(harness);
    const input = {
      to: "+62 812-3456-7890",
      message: "Konfirmasi pendaftaran",
      idempotencyKey: "reg-2026-0042",
    };
    const first = await harness.kabar.messages.send(input, { waitFor: "sent" });
    const again = await harness.kabar.messages.send(input, { waitFor: "sent" });
    expect(again).toMatchObject({ id: first.id, duplicate: true, status: "sent" });
    const follow = await harness.kabar.messages.send(
      { to: "081234567890", message: "next" },
      { waitFor: "sent" },
    );
    expect(follow.status).toBe("sent");
    const received = receivedByContacts(harness.simulator);
    expect(received.map((message) => message.id)).toEqual(await outboxWaMessageIds(harness.kabar));
    expect(received).toHaveLength(2);
    await expectDecryptedExactlyOnce(harness, 2);
  });

  it("keeps the jittered gap between messages as the simulator receives them", async () => {
    harness = await startSimulatedKabar({ settings: { minGapMs: 250, maxGapMs: 500 } });
    await linkSession(harness);
    const sent = countReaching(harness.kabar.events, "sent", 4, 30_000);
    for (const index of [0, 1, 2, 3]) {
      await harness.kabar.messages.send({ to: `0812000000${10 + index}`, message: `Paced ${index}` });
    }
    await sent;
    const times = receivedByContacts(harness.simulator)
      .map((message) => message.receivedAt)
      .sort((a, b) => a - b);
    const gaps = times.slice(1).map((at, index) => at - (times[index] ?? at));
    expect(gaps).toHaveLength(3);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(250);
    await expectDecryptedExactlyOnce(harness, 4);
  });

  it("pauses on an account-level 463 (the global fault), and sends the held messages after resume and resend", async () => {
    harness = await startSimulatedKabar({ settings: { holdsBeforePause: 2 } });
    await linkSession(harness);
    const { kabar, simulator } = harness;
    simulator.faults.sendError(463);
    const paused = sessionReaches(kabar, (status) => status.outboxPausedReason !== null);
    const first = await kabar.messages.send({ to: "081234567890", message: "restricted" });
    const second = await kabar.messages.send({ to: "081234567891", message: "restricted too" });
    const third = await kabar.messages.send({ to: "081234567892", message: "behind them" });
    expect((await paused).outboxPausedReason).toMatch(/463 for 2 different recipients/);
    expect(await kabar.messages.get(first.id)).toMatchObject({ status: "held" });
    expect(await kabar.messages.get(second.id)).toMatchObject({ status: "held" });
    expect(await kabar.messages.get(third.id)).toMatchObject({ status: "queued" });

    simulator.faults.sendError(null);
    const allSent = countReaching(kabar.events, "sent", 3, 30_000);
    await kabar.outbox.resume();
    await kabar.messages.resend(first.id);
    await kabar.messages.resend(second.id);
    await allSent;
    expect(kabar.sessions.status().outboxPausedReason).toBeNull();
    const arrived = receivedByContacts(simulator).map((message) => message.id);
    expect(arrived.sort()).toEqual((await outboxWaMessageIds(kabar)).sort());
    await expectDecryptedExactlyOnce(harness, 3);
  });

  it("keeps queued messages through a logout on the phone and delivers them after re-linking", async () => {
    harness = await startSimulatedKabar({ settings: { minGapMs: 400, maxGapMs: 400 } });
    await linkSession(harness);
    const { kabar, simulator } = harness;
    const firstArrived = simulator.waitFor("message");
    const ids: string[] = [];
    for (const index of [0, 1, 2]) {
      ids.push((await kabar.messages.send({ to: "081234567890", message: `Antri ${index}` })).id);
    }
    await firstArrived;
    const loggedOut = sessionReaches(kabar, (status) => status.state === "logged_out");
    simulator.phone.logout();
    await loggedOut;
    const counts = await kabar.messages.countByStatus();
    expect(counts.failed).toBe(0);
    expect(counts.queued + counts.sending).toBeGreaterThanOrEqual(1);

    const lastSent = nextEvent(kabar.events, statusOf(ids[2] ?? "", "sent"), 30_000);
    await linkSession(harness);
    await lastSent;
    const arrived = receivedByContacts(simulator).map((message) => message.id);
    expect(arrived).toEqual(await outboxWaMessageIds(kabar));
    expect(arrived).toHaveLength(3);
    await expectDecryptedExactlyOnce(harness, 3);
  });

  it("re-sends with the same WhatsApp id when the server ack does not come, and the contact sees one message", async () => {
    harness = await startSimulatedKabar({ kabar: { ackTimeoutMs: 400 } });
    await linkSession(harness);
    const { kabar, simulator } = harness;
    simulator.faults.acks("withhold");
    const resent = simulator.waitFor("message", ({ isDuplicate }) => isDuplicate);
    const sending = kabar.messages.send({ to: "081234567890", message: "tanpa ack" }, { waitFor: "sent" });
    await resent;
    simulator.faults.acks("normal");
    expect((await sending).status).toBe("sent");
    const received = receivedByContacts(simulator);
    expect(received).toHaveLength(1);
    expect(received[0]?.count).toBeGreaterThanOrEqual(2);
    expect(received.map((message) => message.id)).toEqual(await outboxWaMessageIds(kabar));
    const record = await kabar.messages.get((await sending).id);
    expect(record?.events.some((event) => event.detail?.includes("no server ack within 400 ms"))).toBe(true);
    await expectDecryptedExactlyOnce(harness, 1);
  });
});
