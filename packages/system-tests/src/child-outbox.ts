/**
 * For scenarios where the server runs as a child process: a temp folder, a simulator in this
 * process, the server spawned on both, and the verdict read from the database file afterwards.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDatabase, type PrismaClient } from "@kabar/db";
import { startSimulator, type WhatsAppSimulator } from "@kabar/whatsapp-simulator";
import type { AcceptedMessage } from "./tally.js";
import { type ServerProcess, type ServerProcessOptions, startServerProcess } from "./server-process.js";

export interface ChildOutbox {
  dir: string;
  simulator: WhatsAppSimulator;
  databaseUrl: string;
  sessionsDir: string;
  server: ServerProcess;
  /** Starts another server process on the same files (after the previous one exited). */
  restart(): Promise<ServerProcess>;
  /** A Prisma client on the server's file, for reading the verdict. */
  db(): PrismaClient;
  /** Resolves once nothing is queued or sending; waits on the server's `drained` lines. */
  settled(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startChildOutbox(extra: Partial<ServerProcessOptions> = {}): Promise<ChildOutbox> {
  const dir = await mkdtemp(path.join(tmpdir(), "kabar-system-child-"));
  const simulator = await startSimulator({ port: 0 });
  const options: ServerProcessOptions = {
    databaseUrl: `file:${path.join(dir, "kabar.db")}`,
    sessionsDir: path.join(dir, "wa_sessions"),
    whatsappWsUrl: simulator.wsUrl,
    whatsappMedia: simulator.media.info(),
    ...extra,
    env: { KABAR_REPORT_DRAINED: "1", ...extra.env },
  };
  let client: PrismaClient | null = null;
  const harness: ChildOutbox = {
    dir,
    simulator,
    databaseUrl: options.databaseUrl,
    sessionsDir: options.sessionsDir,
    server: await startServerProcess(options).catch(async (error: unknown) => {
      await simulator.close();
      throw error;
    }),
    async restart() {
      harness.server = await startServerProcess(options);
      return harness.server;
    },
    db() {
      client ??= createDatabase(options.databaseUrl);
      return client;
    },
    async settled(timeoutMs = 120_000) {
      // Listen first, then count: a drain between the two is not missed.
      const drained = harness.server.waitForLine((line) => line.type === "drained", timeoutMs);
      drained.catch(() => undefined);
      const pending = await harness
        .db()
        .outboxMessage.count({ where: { status: { in: ["queued", "sending"] } } });
      if (pending > 0) await drained;
    },
    async close() {
      await harness.server.stop();
      await client?.$disconnect();
      await simulator.close();
      await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    },
  };
  return harness;
}

/** Every message the outbox holds: WhatsApp id, recipient and text. */
export function storedMessages(db: PrismaClient): Promise<AcceptedMessage[]> {
  return db.outboxMessage.findMany({ select: { waMessageId: true, to: true, text: true } });
}
