/**
 * Broadcasts through createKabar with the fake port (core's unit level; the simulator test sends a
 * real list through the real library): validation, preview, feeding, pause/resume/cancel, the
 * report, idempotent re-uploads, the schedule across a restart, and opt-outs.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, expect, it } from "vitest";
import type { Kabar } from "../src/contract.js";
import { type CreateKabarOptions, createKabar } from "../src/create-kabar.js";
import { BroadcastStateError, InvalidInputError } from "../src/errors.js";
import type { Timers } from "../src/session/timers.js";
import { FakeWhatsAppPort } from "../src/whatsapp/fake-whatsapp-port.js";
import {
  broadcastReaches,
  chunksOf,
  collect,
  connected,
  participantPhone,
  participantsCsv,
} from "./broadcast-helpers.js";
import { type DatabaseEngine, describeOnEachEngine, testDatabaseUrl } from "./outbox-database.js";
import { NO_PACING, nextEvent } from "./outbox-harness.js";

const TEMPLATE = "Halo {nama}, BIB kamu {bib} untuk {kategori}.";

let dir = "";
let databaseUrl = "";
let engine: DatabaseEngine = "sqlite";
let kabar: Kabar | null = null;
afterEach(async () => {
  await kabar?.close();
  kabar = null;
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  dir = "";
});

async function startKabar(
  port: FakeWhatsAppPort,
  overrides: Partial<CreateKabarOptions> = {},
): Promise<Kabar> {
  if (dir === "") {
    dir = await mkdtemp(path.join(tmpdir(), "kabar-broadcast-"));
    databaseUrl = await testDatabaseUrl(engine, dir);
  }
  kabar = await createKabar({
    databaseUrl,
    sessionsDir: path.join(dir, "wa_sessions"),
    port,
    settings: NO_PACING,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    ...overrides,
  });
  return kabar;
}

describeOnEachEngine("broadcasts", { timeout: 60_000 }, (databaseEngine) => {
  beforeEach(() => {
    engine = databaseEngine;
  });

  it("lists every bad row by line and column, previews the first 5, and sends each valid row once", async () => {
    const port = new FakeWhatsAppPort();
    const running = await startKabar(port);
    await connected(port, running);
    const csv = participantsCsv(12, (index) => {
      if (index === 2) return ["Ani", "12345", "B2", "5K"];
      if (index === 4) return ["", participantPhone(4), "B4", "5K"];
      if (index === 6) return ["Dup", `+${participantPhone(1)}`, "B6", "5K"];
      return null;
    });
    const created = await running.broadcasts.create(
      { name: "Race pack", template: TEMPLATE },
      chunksOf(csv, 7),
    );
    expect(created).toMatchObject({ rows: 12, valid: 9, invalid: 3 });
    expect(created.errors.map((error) => [error.line, error.column, error.problem])).toEqual([
      [4, "No. HP", "bad_number"],
      [6, "nama", "empty_value"],
      [8, "No. HP", "duplicate_number"],
    ]);
    expect(created.errors[2]?.message).toContain("first on line 3");
    expect(created.preview).toEqual([
      { line: 2, to: participantPhone(0), text: "Halo Peserta 0, BIB kamu B0 untuk 10K." },
      { line: 3, to: participantPhone(1), text: "Halo Peserta 1, BIB kamu B1 untuk 10K." },
      { line: 5, to: participantPhone(3), text: "Halo Peserta 3, BIB kamu B3 untuk 10K." },
      { line: 7, to: participantPhone(5), text: "Halo Peserta 5, BIB kamu B5 untuk 10K." },
      { line: 9, to: participantPhone(7), text: "Halo Peserta 7, BIB kamu B7 untuk 10K." },
    ]);
    expect(created.broadcast.status).toBe("draft");
    expect(port.sends).toHaveLength(0);
    expect(await running.broadcasts.preview({ id: created.id, template: "{NAMA}!" })).toHaveLength(5);

    await running.broadcasts.start({ id: created.id });
    const done = await broadcastReaches(
      running,
      created.id,
      (progress) => progress.broadcast.status === "completed",
    );
    expect(done.counts).toMatchObject({ sent: 9, invalid: 3, pending: 0, queued: 0 });
    expect(done).toMatchObject({ total: 12, done: 9, eta: null });
    expect(port.sends.map((send) => send.to).sort()).toEqual(
      [0, 1, 3, 5, 7, 8, 9, 10, 11].map(participantPhone).sort(),
    );
    expect(port.sends.find((send) => send.to === participantPhone(8))?.text).toBe(
      "Halo Peserta 8, BIB kamu B8 untuk 10K.",
    );

    const report = (await collect(running.broadcasts.report({ id: created.id }))).trimEnd().split("\r\n");
    expect(report).toHaveLength(13);
    expect(report[0]).toBe("row,number,status,queued_at,sent_at,delivered_at,read_at,failed_at,error");
    expect(report[3]).toMatch(/^4,,invalid,,,,,,"No\. HP: ""12345"" is not a valid phone number/);
    expect(report[1]).toMatch(new RegExp(`^2,${participantPhone(0)},sent,\\d{4}-.*Z,\\d{4}-.*Z,,,,$`));
    expect(await running.broadcasts.running()).toBeNull();
  });

  it("refuses a list without a phone column, an unknown placeholder, an empty file and a past schedule, storing nothing", async () => {
    const port = new FakeWhatsAppPort();
    const running = await startKabar(port);
    const refusals: [Parameters<Kabar["broadcasts"]["create"]>[0], string, RegExp][] = [
      [{ name: "a", template: "Halo {nama}" }, "nama;email\nBudi;b@x\n", /no phone column/],
      [{ name: "a", template: "Halo {name}" }, "nama;hp\nBudi;0812\n", /unknown placeholder \{name\}/],
      [{ name: "a", template: "Halo" }, "", /the file is empty/],
      [{ name: "a", template: "Halo" }, "hp\n", /header line but no rows/],
      [{ name: "a", template: "Halo", scheduledAt: "2020-01-01T00:00:00Z" }, "hp\n0812\n", /is in the past/],
    ];
    for (const [input, csv, message] of refusals) {
      const refused = running.broadcasts.create(input, chunksOf(csv));
      await expect(refused).rejects.toBeInstanceOf(InvalidInputError);
      await expect(running.broadcasts.create(input, chunksOf(csv))).rejects.toThrow(message);
    }
    expect(await running.broadcasts.list()).toEqual([]);
  });

  it("pause takes back what waits in the outbox, an upload of the same list sends nobody twice, cancel leaves the rest cancelled", async () => {
    const port = new FakeWhatsAppPort();
    // a 40 ms gap between sends, so a list of 30 takes over a second
    const running = await startKabar(port, { settings: { ...NO_PACING, minGapMs: 40, maxGapMs: 40 } });
    await connected(port, running);
    const csv = participantsCsv(30);
    const { id } = await running.broadcasts.create({ name: "Reminder", template: TEMPLATE }, chunksOf(csv));
    // pause at the 5th send, from the event itself (listening before the start): whatever the
    // machine's load, at most the feed window (and the one in flight) can follow
    const pausedAtFifth = new Promise<Awaited<ReturnType<Kabar["broadcasts"]["pause"]>>>(
      (resolve, reject) => {
        let sent = 0;
        const off = running.events.on(({ event }) => {
          if (event.type !== "message.status" || event.message.status !== "sent") return;
          sent += 1;
          if (sent !== 5) return;
          off();
          running.broadcasts.pause({ id }).then(resolve, reject);
        });
      },
    );
    await running.broadcasts.start({ id });
    const paused = await pausedAtFifth;
    expect(paused.broadcast.status).toBe("paused");
    // the one in flight (if any) may still go; nothing else is left in the outbox
    expect(paused.counts.queued).toBeLessThanOrEqual(1);
    expect(paused.counts.pending).toBeGreaterThan(10);
    const sentAtPause = paused.counts.sent + paused.counts.queued;
    const settled = await broadcastReaches(running, id, (progress) => progress.counts.queued === 0);
    expect(settled.counts.sent).toBeLessThanOrEqual(sentAtPause);
    expect((await running.health()).outboxDepth).toBe(0);
    expect(port.sends).toHaveLength(settled.counts.sent);

    // the same list again: rows already sent stay, the rest are replaced; nobody gets it twice
    const again = await running.broadcasts.upload({ id }, chunksOf(csv));
    expect(again.invalid).toBe(settled.counts.sent);
    expect(new Set(again.errors.map((error) => error.problem))).toEqual(new Set(["duplicate_number"]));
    // the socket drops: resumed rows wait in the outbox, and cancel must take them back too
    const offline = nextEvent(
      running.events,
      (event) => event.type === "session.state" && event.status.state !== "connected",
    );
    port.emit("close", {
      sessionId: "panitia_lari",
      kind: "connection_lost",
      statusCode: 408,
      detail: "lost",
    });
    await offline;
    await running.broadcasts.resume({ id });
    await broadcastReaches(running, id, (progress) => progress.counts.queued === 3);
    // the dashboard's card follows the running broadcast
    const card = (await running.dashboard.stats()).runningBroadcast;
    expect(card).toMatchObject({ id, name: "Reminder" });
    expect(card?.done).toBeGreaterThanOrEqual(settled.counts.sent);
    expect(card?.total).toBeGreaterThan(card?.done ?? Number.POSITIVE_INFINITY);
    const cancelled = await running.broadcasts.cancel({ id });
    expect(cancelled.broadcast.status).toBe("cancelled");
    expect((await running.dashboard.stats()).runningBroadcast).toBeNull();
    const final = await broadcastReaches(running, id, (progress) => progress.counts.queued === 0);
    expect(final.counts.cancelled + final.counts.sent).toBe(30);
    expect(final.counts.pending).toBe(0);
    expect(final.counts.sent).toBe(settled.counts.sent);
    const recipients = port.sends.map((send) => send.to);
    expect(new Set(recipients).size).toBe(recipients.length);
    expect(recipients).toHaveLength(final.counts.sent);
    await expect(running.broadcasts.resume({ id })).rejects.toBeInstanceOf(BroadcastStateError);
    const report = (await collect(running.broadcasts.report({ id }))).trimEnd().split("\r\n");
    // 30 rows of the second upload plus the header (the first upload's sent rows are kept, its others replaced)
    expect(report.filter((line) => /,cancelled,/.test(line))).toHaveLength(final.counts.cancelled);

    // each timeline says which control took the message, as a code the panel translates
    const { items } = await running.messages.list({ status: "cancelled", limit: 100 });
    const codes = items.map((message) =>
      message.events.map((event) => event.code).filter((code) => code !== null),
    );
    expect(codes.filter((lines) => lines.at(-1) === "broadcast_cancelled")).toHaveLength(3);
    for (const lines of codes) {
      expect(["broadcast_cancelled", "broadcast_paused"]).toContain(lines.at(-1));
      expect(lines).not.toContain("cancelled_by_hand");
      const resumed = lines.indexOf("broadcast_resumed");
      if (resumed !== -1) expect(lines.slice(0, resumed)).toContain("broadcast_paused");
    }
  });

  it("a schedule 2 minutes ahead survives a restart and starts on time; a missed one starts at boot", async () => {
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
        const index = armed.findIndex((timer) => timer === handle);
        if (index !== -1) armed.splice(index, 1);
      },
    };
    const port = new FakeWhatsAppPort();
    let running = await startKabar(port, { broadcastClock: clock, scheduleTimers: timers });
    await connected(port, running);
    const scheduledAt = new Date(clock.now() + 120_000).toISOString();
    const { id, broadcast } = await running.broadcasts.create(
      { name: "Besok", template: TEMPLATE, scheduledAt },
      chunksOf(participantsCsv(3)),
    );
    expect(broadcast.status).toBe("scheduled");
    expect((await running.broadcasts.get({ id })).eta).not.toBeNull();

    await running.close();
    armed.length = 0;
    running = await startKabar(port, { broadcastClock: clock, scheduleTimers: timers });
    await connected(port, running);
    expect((await running.broadcasts.get({ id })).broadcast.status).toBe("scheduled");
    expect(armed).toHaveLength(1);
    expect(armed[0]?.ms).toBeGreaterThan(110_000);
    expect(armed[0]?.ms).toBeLessThanOrEqual(120_000);
    expect(port.sends).toHaveLength(0);

    offset += armed[0]?.ms ?? 0;
    armed.shift()?.callback();
    const done = await broadcastReaches(running, id, (progress) => progress.broadcast.status === "completed");
    expect(Date.parse(done.broadcast.startedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(scheduledAt));
    expect(port.sends).toHaveLength(3);

    // scheduled, then the server is down past its time: it starts at boot
    const later = await running.broadcasts.create(
      { name: "Lusa", template: TEMPLATE, scheduledAt: new Date(clock.now() + 60_000).toISOString() },
      chunksOf(participantsCsv(2)),
    );
    await running.close();
    offset += 120_000;
    running = await startKabar(port, { broadcastClock: clock, scheduleTimers: timers });
    // started at boot: running, or already done when its two rows went out before this read
    const started = (await running.broadcasts.get({ id: later.id })).broadcast;
    expect(["running", "completed"]).toContain(started.status);
    expect(started.startedAt).not.toBeNull();
  });

  it("skips a number on the opt-out list and reports it opted_out", async () => {
    const port = new FakeWhatsAppPort();
    const running = await startKabar(port);
    await connected(port, running);
    await running.optOuts.add({ phone: participantPhone(1) });
    const { id } = await running.broadcasts.create(
      { name: "Hasil", template: TEMPLATE, start: true },
      chunksOf(participantsCsv(3)),
    );
    const done = await broadcastReaches(running, id, (progress) => progress.broadcast.status === "completed");
    expect(done.counts).toMatchObject({ sent: 2, opted_out: 1 });
    expect(port.sends.map((send) => send.to)).not.toContain(participantPhone(1));
    const report = await collect(running.broadcasts.report({ id }));
    expect(report).toContain(`3,${participantPhone(1)},opted_out,`);
  });
});
