/**
 * Broadcasts through createKabar on the real wa-multi-session + Baileys against the simulator: a
 * 2,000-row list with bad rows and duplicates, each valid row decrypted once at its own contact with
 * its own values through 10 socket drops; pause and cancel with real pacing; a schedule across a
 * restart; and a contact that said "berhenti" skipped by the next broadcast.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Timers } from "../src/session/timers.js";
import {
  broadcastReaches,
  chunksOf,
  collect,
  participantPhone,
  participantsCsv,
} from "./broadcast-helpers.js";
import {
  linkSession,
  receivedOnceDecrypted,
  type SimulatedKabar,
  startSimulatedKabar,
} from "./outbox-simulated.js";

const TEMPLATE = "Halo {nama}, BIB kamu {bib} untuk {kategori}.";
const textFor = (index: number) => `Halo Peserta ${index}, BIB kamu B${index} untuk 10K.`;

let harness: SimulatedKabar | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

/** 2,000 rows: 7 bad numbers, 7 empty names, 6 empty BIBs, and 10 rows repeating an earlier number. */
function twoThousandRows() {
  const badNumbers = new Map([
    [100, "12345"],
    [300, "0812-ABCD-1234"],
    [500, ""],
    [700, "+1 202 555 01"],
    [900, "0000"],
    [1100, "62"],
    [1300, "0812 7700 0x"],
  ]);
  const emptyNames = [150, 350, 550, 750, 950, 1150, 1350];
  const emptyBibs = [200, 400, 600, 800, 1000, 1200];
  const duplicates = new Map(Array.from({ length: 10 }, (_, k) => [1500 + k, 10 + k]));
  const csv = participantsCsv(2000, (index) => {
    const national = (i: number) => `0${participantPhone(i).slice(2)}`;
    const bad = badNumbers.get(index);
    if (bad !== undefined) return [`Peserta ${index}`, bad, `B${index}`, "10K"];
    if (emptyNames.includes(index)) return ["", national(index), `B${index}`, "10K"];
    if (emptyBibs.includes(index)) return [`Peserta ${index}`, national(index), "", "10K"];
    const first = duplicates.get(index);
    if (first !== undefined)
      return [`Peserta ${index}`, `+62 ${national(first).slice(1)}`, `B${index}`, "10K"];
    return null;
  });
  const badIndexes = [...badNumbers.keys(), ...emptyNames, ...emptyBibs, ...duplicates.keys()];
  const valid = Array.from({ length: 2000 }, (_, index) => index).filter(
    (index) => !badIndexes.includes(index),
  );
  return {
    csv,
    valid,
    // line = index + 2 (the header is line 1)
    expectedErrors: [
      ...[...badNumbers.keys()].map((index) => [index + 2, "No. HP", "bad_number"]),
      ...emptyNames.map((index) => [index + 2, "nama", "empty_value"]),
      ...emptyBibs.map((index) => [index + 2, "bib", "empty_value"]),
      ...[...duplicates.keys()].map((index) => [index + 2, "No. HP", "duplicate_number"]),
    ].sort((a, b) => Number(a[0]) - Number(b[0])),
  };
}

describe("broadcasts against the simulator", { timeout: 900_000 }, () => {
  it("2,000 rows: exactly the 30 bad rows listed; 1,970 personalised messages, each decrypted once, through 10 drops", async () => {
    harness = await startSimulatedKabar();
    await linkSession(harness);
    const { simulator, kabar } = harness;
    const { csv, valid, expectedErrors } = twoThousandRows();
    for (const index of valid) simulator.contacts.add(participantPhone(index), { onWhatsApp: true });

    const created = await kabar.broadcasts.create(
      { name: "Race pack 10K", template: TEMPLATE },
      chunksOf(csv),
    );
    expect(created).toMatchObject({ rows: 2000, valid: 1970, invalid: 30 });
    expect(created.errors.map((error) => [error.line, error.column, error.problem])).toEqual(expectedErrors);

    let arrivals = 0;
    let drops = 0;
    simulator.on("message", ({ isDuplicate }) => {
      if (isDuplicate) return;
      arrivals += 1;
      if (arrivals % 180 === 90 && drops < 10) {
        drops += 1;
        simulator.faults.drop();
      }
    });
    await kabar.broadcasts.start({ id: created.id });
    const done = await broadcastReaches(
      kabar,
      created.id,
      (progress) => progress.broadcast.status === "completed",
      840_000,
      false,
    );
    expect(drops).toBe(10);
    expect(done.counts.invalid).toBe(30);
    expect(done.counts.sent + done.counts.delivered + done.counts.read).toBe(1970);
    expect(done.counts.failed + done.counts.pending + done.counts.queued + done.counts.held).toBe(0);

    await receivedOnceDecrypted(simulator);
    const problems: string[] = [];
    for (const index of valid) {
      const messages = simulator.contacts.messages(participantPhone(index));
      const texts = messages.map((message) => message.decryptError ?? message.text);
      if (texts.length !== 1 || texts[0] !== textFor(index))
        problems.push(`${index}: ${JSON.stringify(texts)}`);
    }
    expect(problems).toEqual([]);

    const report = (await collect(kabar.broadcasts.report({ id: created.id }))).trimEnd().split("\r\n");
    expect(report).toHaveLength(2001);
  });

  it("pause stops new sends within one pacing gap; resume goes on; cancel leaves the rest cancelled", async () => {
    harness = await startSimulatedKabar({ settings: { minGapMs: 300, maxGapMs: 300 } });
    await linkSession(harness);
    const { simulator, kabar } = harness;
    for (let index = 0; index < 40; index += 1)
      simulator.contacts.add(participantPhone(index), { onWhatsApp: true });
    let arrivals = 0;
    simulator.on("message", ({ isDuplicate }) => {
      if (!isDuplicate) arrivals += 1;
    });
    const { id } = await kabar.broadcasts.create(
      { name: "Pengingat", template: TEMPLATE, start: true },
      chunksOf(participantsCsv(40)),
    );
    await simulator.waitFor("message", () => arrivals >= 5, 60_000);
    const paused = await kabar.broadcasts.pause({ id });
    const arrivedAtPause = arrivals;
    // what is left: at most the one message already handed to the socket
    const settled = await broadcastReaches(kabar, id, (progress) => progress.counts.queued === 0);
    expect((await kabar.health()).outboxDepth).toBe(0);
    expect(arrivals).toBeLessThanOrEqual(arrivedAtPause + 1);
    expect(settled.counts.pending).toBe(
      40 - settled.counts.sent - settled.counts.delivered - settled.counts.read,
    );
    expect(paused.counts.pending).toBeGreaterThan(20);

    await kabar.broadcasts.resume({ id });
    const sentBefore = arrivals;
    await simulator.waitFor("message", () => arrivals >= sentBefore + 3, 60_000);
    const cancelled = await kabar.broadcasts.cancel({ id });
    expect(cancelled.broadcast.status).toBe("cancelled");
    const final = await broadcastReaches(kabar, id, (progress) => progress.counts.queued === 0);
    const delivered = final.counts.sent + final.counts.delivered + final.counts.read;
    expect(final.counts.cancelled).toBe(40 - delivered);
    expect(final.counts.cancelled).toBeGreaterThan(10);
    expect(arrivals).toBe(delivered);
    const report = (await collect(kabar.broadcasts.report({ id }))).trimEnd().split("\r\n");
    expect(report).toHaveLength(41);
    expect(report.filter((line) => line.split(",")[2] === "cancelled")).toHaveLength(final.counts.cancelled);
  });

  it("a broadcast scheduled 2 minutes ahead starts on time across a restart and reaches its contacts", async () => {
    let offset = 0;
    const clock = { now: () => Date.now() + offset };
    const armed: { callback: () => void; ms: number }[] = [];
    const timers: Timers = {
      setTimeout: (callback, ms) => {
        const timer = { callback, ms };
        armed.push(timer);
        return timer;
      },
      clearTimeout: (handle) => {
        const at = armed.findIndex((timer) => timer === handle);
        if (at !== -1) armed.splice(at, 1);
      },
    };
    harness = await startSimulatedKabar({ kabar: { broadcastClock: clock, scheduleTimers: timers } });
    await linkSession(harness);
    for (let index = 0; index < 3; index += 1)
      harness.simulator.contacts.add(participantPhone(index), { onWhatsApp: true });
    const scheduledAt = new Date(clock.now() + 120_000).toISOString();
    const { id } = await harness.kabar.broadcasts.create(
      { name: "Jam 5 pagi", template: TEMPLATE, scheduledAt },
      chunksOf(participantsCsv(3)),
    );

    armed.length = 0;
    const kabar = await harness.restart();
    expect((await kabar.broadcasts.get({ id })).broadcast.status).toBe("scheduled");
    expect(armed).toHaveLength(1);
    expect(armed[0]?.ms).toBeGreaterThan(100_000);
    expect(harness.simulator.contacts.messages(participantPhone(0))).toEqual([]);
    offset += armed[0]?.ms ?? 0;
    armed.shift()?.callback();
    const done = await broadcastReaches(
      kabar,
      id,
      (progress) => progress.broadcast.status === "completed",
      60_000,
    );
    expect(Date.parse(done.broadcast.startedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(scheduledAt));
    expect(Date.parse(done.broadcast.startedAt ?? "")).toBeLessThan(Date.parse(scheduledAt) + 5_000);
    for (let index = 0; index < 3; index += 1) {
      await harness.simulator.waitForMessages(participantPhone(index), 1);
      expect(
        harness.simulator.contacts.messages(participantPhone(index)).map((message) => message.text),
      ).toEqual([textFor(index)]);
    }
  });

  it("a contact that sent berhenti gets the confirmation and is skipped by the next broadcast as opted_out", async () => {
    harness = await startSimulatedKabar();
    await linkSession(harness);
    const { simulator, kabar } = harness;
    for (let index = 0; index < 3; index += 1)
      simulator.contacts.add(participantPhone(index), { onWhatsApp: true });
    const { optOutReply } = await kabar.settings.get();
    await simulator.contacts.send(participantPhone(1), "berhenti");
    await simulator.waitForMessages(participantPhone(1), 1);
    expect(simulator.contacts.messages(participantPhone(1)).map((message) => message.text)).toEqual([
      optOutReply,
    ]);

    const { id } = await kabar.broadcasts.create(
      { name: "Hasil lomba", template: TEMPLATE, start: true },
      chunksOf(participantsCsv(3)),
    );
    const done = await broadcastReaches(kabar, id, (progress) => progress.broadcast.status === "completed");
    expect(done.counts).toMatchObject({ opted_out: 1 });
    expect(done.counts.sent + done.counts.delivered + done.counts.read).toBe(2);
    await simulator.waitForMessages(participantPhone(2), 1);
    expect(simulator.contacts.messages(participantPhone(0)).map((message) => message.text)).toEqual([
      textFor(0),
    ]);
    expect(simulator.contacts.messages(participantPhone(1)).map((message) => message.text)).toEqual([
      optOutReply,
    ]);
    const report = await collect(kabar.broadcasts.report({ id }));
    expect(report).toContain(`3,${participantPhone(1)},opted_out,`);
  });
});
