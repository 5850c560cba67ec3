/**
 * createKabar on the real wa-multi-session + Baileys against a WhatsApp simulator, in this process:
 * its own temp folder (wa_sessions/ + SQLite), port 0, pacing off. `close()` removes everything.
 * wa-multi-session is module-global: one harness at a time per process.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type CreateKabarOptions, createKabar, type Kabar, type Settings } from "@kabar/core";
import {
  type StartSimulatorOptions,
  startSimulator,
  type WhatsAppSimulator,
} from "@kabar/whatsapp-simulator";
import { pino } from "pino";
import type { AcceptedMessage } from "./tally.js";
import { sessionReaches } from "./waits.js";

export const NO_PACING: Partial<Settings> = { minGapMs: 0, maxGapMs: 0, perRecipientGapMs: 0, dailyCap: 0 };
export const SESSION_ID = "sistem_uji";

/** Twelve recipients in turn, so a burst looks like registrations rather than one chat. */
export function recipient(index: number): string {
  return `62812${String(1000_0000 + (index % 12)).padStart(8, "0")}`;
}

export interface SimulatedKabar {
  simulator: WhatsAppSimulator;
  dir: string;
  sessionsDir: string;
  databaseUrl: string;
  kabar: Kabar;
  options(overrides?: Partial<CreateKabarOptions>): CreateKabarOptions;
  /** Closes this Kabar and opens a new one on the same files, as a restarted process would. */
  restart(overrides?: Partial<CreateKabarOptions>): Promise<Kabar>;
  close(): Promise<void>;
}

export async function startSimulatedKabar(
  options: { simulator?: StartSimulatorOptions; kabar?: Partial<CreateKabarOptions> } = {},
): Promise<SimulatedKabar> {
  const dir = await mkdtemp(path.join(tmpdir(), "kabar-system-"));
  const simulator = await startSimulator({ port: 0, ...options.simulator });
  const sessionsDir = path.join(dir, "wa_sessions");
  const databaseUrl = `file:${path.join(dir, "kabar.db")}`;
  const build = (overrides: Partial<CreateKabarOptions> = {}): CreateKabarOptions => ({
    databaseUrl,
    sessionsDir,
    whatsappWsUrl: simulator.wsUrl,
    whatsappMediaUrl: simulator.media.info().url,
    whatsappExtraCa: simulator.media.info().caPath,
    settings: NO_PACING,
    ackTimeoutMs: 3_000,
    reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    // The harness is its process's entry (tests, bench): sockets are dropped on purpose.
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
      await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    },
  };
  return harness;
}

/** create (once) → connect → QR → the simulated phone scans → connected. */
export async function linkSession(kabar: Kabar, simulator: WhatsAppSimulator): Promise<void> {
  if (!(await kabar.sessions.get()))
    await kabar.sessions.create({ name: "Sistem Uji", sessionId: SESSION_ID });
  const waitingQr = sessionReaches(kabar, (status) => status.state === "waiting_qr" && status.qr !== null);
  await kabar.sessions.connect();
  const { qr } = await waitingQr;
  const connected = sessionReaches(kabar, (status) => status.state === "connected");
  await simulator.phone.scan(qr?.value ?? "");
  await connected;
}

/** Every message in the outbox: WhatsApp id, recipient and text. */
export async function outboxMessages(kabar: Kabar): Promise<AcceptedMessage[]> {
  const messages: AcceptedMessage[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 10_000; page += 1) {
    const result = await kabar.messages.list({ limit: 100, ...(cursor ? { cursor } : {}) });
    messages.push(...result.items.map(({ waMessageId, to, text }) => ({ waMessageId, to, text })));
    if (!result.nextCursor) break;
    cursor = result.nextCursor;
  }
  return messages;
}

/** The WhatsApp ids of every message in the outbox. */
export async function outboxWaMessageIds(kabar: Kabar): Promise<string[]> {
  return (await outboxMessages(kabar)).map((message) => message.waMessageId);
}
