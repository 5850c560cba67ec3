/**
 * createKabar on the real wa-multi-session adapter against the WhatsApp simulator: each test gets
 * its own folder, database (an SQLite file, or a PostgreSQL database) and simulator on port 0. Shared
 * by the outbox acceptance tests.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  type ReceivedMessage,
  startSimulator,
  type StartSimulatorOptions,
  type WhatsAppSimulator,
} from "@kabar/whatsapp-simulator";
import { pino } from "pino";
import { expect } from "vitest";
import type { Kabar, Settings, SessionStatus } from "../src/contract.js";
import { type CreateKabarOptions, createKabar } from "../src/create-kabar.js";
import { type DatabaseEngine, testDatabaseUrl } from "./outbox-database.js";
import { NO_PACING } from "./outbox-harness.js";

export const SESSION_ID = "panitia_lari";

export interface SimulatedKabar {
  simulator: WhatsAppSimulator;
  dir: string;
  sessionsDir: string;
  databaseUrl: string;
  kabar: Kabar;
  /** Options for another Kabar on the same folder and database (a restarted process). */
  options(overrides?: Partial<CreateKabarOptions>): CreateKabarOptions;
  /** Closes this process's Kabar and starts a new one on the same files. */
  restart(overrides?: Partial<CreateKabarOptions>): Promise<Kabar>;
  close(): Promise<void>;
}

export async function startSimulatedKabar(
  options: {
    settings?: Partial<Settings>;
    simulator?: StartSimulatorOptions;
    kabar?: Partial<CreateKabarOptions>;
    /** Default SQLite (a file in the test's folder). */
    engine?: DatabaseEngine;
  } = {},
): Promise<SimulatedKabar> {
  const dir = await mkdtemp(path.join(tmpdir(), "kabar-outbox-sim-"));
  const simulator = await startSimulator({ port: 0, ...options.simulator });
  const sessionsDir = path.join(dir, "wa_sessions");
  const databaseUrl =
    options.engine === "postgresql"
      ? await testDatabaseUrl("postgresql", dir)
      : `file:${path.join(dir, "kabar.db")}`;
  const build = (overrides: Partial<CreateKabarOptions> = {}): CreateKabarOptions => ({
    databaseUrl,
    sessionsDir,
    whatsappWsUrl: simulator.wsUrl,
    whatsappMediaUrl: simulator.media.info().url,
    whatsappExtraCa: simulator.media.info().caPath,
    settings: { ...NO_PACING, ...options.settings },
    ackTimeoutMs: 3_000,
    reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    installProcessGuards: true,
    ...options.kabar,
    ...overrides,
  });
  const harness: SimulatedKabar = {
    simulator,
    dir,
    sessionsDir,
    databaseUrl,
    kabar: await createKabar(build()),
    options: build,
    async restart(overrides) {
      await harness.kabar.close();
      harness.kabar = await createKabar(build(overrides));
      return harness.kabar;
    },
    async close() {
      await harness.kabar.close();
      await simulator.close();
      // Baileys may still be writing a key file just after close; retry rather than fail the test.
      await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
  return harness;
}

/** Resolves with the first session status matching, the current one included. */
export function sessionReaches(
  kabar: Kabar,
  matches: (status: SessionStatus) => boolean,
  timeoutMs = 20_000,
) {
  return new Promise<SessionStatus>((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(
        new Error(
          `session did not reach the awaited state within ${timeoutMs} ms (now ${kabar.sessions.status().state})`,
        ),
      );
    }, timeoutMs);
    const off = kabar.events.on(({ event }) => {
      if (event.type === "session.state" && matches(event.status)) done(event.status);
    });
    function done(status: SessionStatus): void {
      clearTimeout(timer);
      off();
      resolve(status);
    }
    const current = kabar.sessions.status();
    if (matches(current)) done(current);
  });
}

/** Resolves once nothing is queued or sending: checked now and after every status change. */
export function outboxDrained(kabar: Kabar, timeoutMs = 60_000): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let checking = false;
    let again = false;
    let isDone = false;
    const timer = setTimeout(
      () => finish(new Error(`the outbox did not drain within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const off = kabar.events.on(({ event }) => {
      if (event.type === "message.status") void check();
    });
    function finish(error?: Error): void {
      if (isDone) return;
      isDone = true;
      clearTimeout(timer);
      off();
      if (error) reject(error);
      else resolve();
    }
    async function check(): Promise<void> {
      // A change during a check must be looked at again, or the last one could be missed.
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      do {
        again = false;
        if ((await kabar.health()).outboxDepth === 0) finish();
      } while (again && !isDone);
      checking = false;
    }
    void check();
  });
}

/** create → connect → QR → the simulated phone scans → connected. */
export async function linkSession(harness: Pick<SimulatedKabar, "kabar" | "simulator">): Promise<void> {
  const { kabar } = harness;
  if (!(await kabar.sessions.get()))
    await kabar.sessions.create({ name: "Panitia Lari", sessionId: SESSION_ID });
  const waitingQr = sessionReaches(kabar, (status) => status.state === "waiting_qr");
  await kabar.sessions.connect();
  const { qr } = await waitingQr;
  const connected = sessionReaches(kabar, (status) => status.state === "connected");
  await harness.simulator.phone.scan(qr?.value ?? "");
  await connected;
}

/** Every message the simulator's contacts received, with how often each id arrived. */
export function receivedByContacts(simulator: WhatsAppSimulator): ReceivedMessage[] {
  return simulator.state().contacts.flatMap((contact) => simulator.contacts.messages(contact.number));
}

/** The WhatsApp ids of every message in the outbox, oldest first. */
export async function outboxWaMessageIds(kabar: Kabar): Promise<string[]> {
  return (await outboxTexts(kabar)).map((message) => message.id);
}

/** Every message in the outbox as the contact should see it, oldest first. */
export async function outboxTexts(kabar: Kabar): Promise<{ id: string; text: string }[]> {
  const messages: { id: string; text: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await kabar.messages.list({ limit: 100, ...(cursor ? { cursor } : {}) });
    messages.push(...page.items.map((item) => ({ id: item.waMessageId, text: item.text ?? "" })));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return messages.reverse();
}

/**
 * What the contacts hold once every copy they could not decrypt has been made good by a re-send
 * (their retry receipt → Baileys re-sends under a fresh session), or after `timeoutMs` without that.
 */
export async function receivedOnceDecrypted(
  simulator: WhatsAppSimulator,
  timeoutMs = 15_000,
): Promise<ReceivedMessage[]> {
  const isSettled = () =>
    receivedByContacts(simulator).every((message) => message.decryptError === undefined);
  if (!isSettled()) await simulator.waitFor("message", isSettled, timeoutMs).catch(() => {});
  return receivedByContacts(simulator);
}

/**
 * Every outbox message reached its contact as one visible message with the text that was sent:
 * each id listed once (a re-send with the same id only raises its count), decrypted (no
 * decryptError left on the final copy), nothing else arrived.
 */
export async function expectDecryptedExactlyOnce(
  harness: { simulator: WhatsAppSimulator; kabar: Kabar },
  total: number,
): Promise<void> {
  const sent = await outboxTexts(harness.kabar);
  const received = await receivedOnceDecrypted(harness.simulator);
  const undecrypted = received.filter((message) => message.decryptError !== undefined);
  if (undecrypted.length > 0)
    console.warn(`simulator: ${undecrypted.length} of ${total} messages left undecryptable by the contact`);
  expect(sent).toHaveLength(total);
  expect(expectShownOnce(sent, received)).toBe(0);
  expect(undecrypted.map((message) => `${message.id}: ${message.decryptError}`)).toEqual([]);
  const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
  expect(received.map(({ id, text }) => ({ id, text })).sort(byId)).toEqual([...sent].sort(byId));
}

/**
 * What a recipient would see, per accepted send: copies under its own id (a same-id re-send, which
 * WhatsApp shows once — see packages/system-tests/src/tally.ts for the sources) and copies of its
 * text under any other id (a second message on the phone). Prints both; returns how many sends would
 * be shown more than once. Texts are unique per test, so the text tells the copies apart.
 */
export function expectShownOnce(
  sent: readonly { id: string; text: string }[],
  received: readonly ReceivedMessage[],
): number {
  const byId: Record<string, number> = {};
  let byContent = 0;
  let shownTwice = 0;
  for (const message of sent) {
    const arrivals = received.find((copy) => copy.id === message.id)?.count ?? 0;
    byId[arrivals] = (byId[arrivals] ?? 0) + 1;
    const others = received.filter((copy) => copy.id !== message.id && copy.text === message.text).length;
    byContent += others;
    if ((arrivals > 0 ? 1 : 0) + others > 1) shownTwice += 1;
  }
  const distribution = Object.entries(byId)
    .map(([copies, sends]) => `${copies} cop${copies === "1" ? "y" : "ies"}: ${sends}`)
    .join(", ");
  console.info(
    `per accepted send, copies that reached the contact — by id {${distribution}} (shown once), ` +
      `by content under another id ${byContent}; shown twice ${shownTwice}`,
  );
  return shownTwice;
}
