/**
 * Shared by every test that needs the real wa-multi-session + Baileys: a WhatsApp simulator on a
 * free port, a temp folder holding wa_sessions/ and a migrated SQLite file, and factories for the
 * real adapter and session manager on them. `close()` stops everything and removes the folder.
 *
 * wa-multi-session is module-global: use one harness at a time per test file.
 */
import type { PrismaClient } from "@kabar/db";
import {
  type StartSimulatorOptions,
  startSimulator,
  type WhatsAppSimulator,
} from "@kabar/whatsapp-simulator";
import { type Logger, pino } from "pino";
import type { SessionStatus } from "../../src/contract.js";
import { InMemoryEventBus } from "../../src/events/event-bus.js";
import type { ReconnectOptions } from "../../src/session/reconnect-backoff.js";
import { createSessionManager, type SessionManager } from "../../src/session/session-manager.js";
import { createWaMultiSessionPort } from "../../src/whatsapp/adapters/wa-multi-session/index.js";
import { installProcessGuards } from "../../src/whatsapp/adapters/wa-multi-session/process-guards.js";
import type { WhatsAppPort } from "../../src/whatsapp/port.js";
import { createTempKabarDir } from "./temp-kabar-dir.js";

export interface SimulatedWhatsAppOptions {
  simulator?: StartSimulatorOptions;
  /** Lifetime of each QR; short values make QR expiry testable. */
  qrTimeoutMs?: number;
  reconnect?: ReconnectOptions;
  /** Default: silent, or TEST_LOG_LEVEL. */
  logger?: Logger;
}

export interface ManagerUnderTest {
  manager: SessionManager;
  port: WhatsAppPort;
  events: InMemoryEventBus;
  /** Closes the manager and its port, as a stopping process would; the files and the DB stay. */
  stop(): Promise<void>;
}

export interface SimulatedWhatsApp {
  simulator: WhatsAppSimulator;
  dir: string;
  sessionsDir: string;
  databaseUrl: string;
  db: PrismaClient;
  logger: Logger;
  createPort(): WhatsAppPort;
  /** A manager with its own port and bus on the shared folder and database (not started). */
  createManager(options?: { reconnect?: ReconnectOptions; heartbeatMs?: number }): ManagerUnderTest;
  close(): Promise<void>;
}

export async function startSimulatedWhatsApp(
  options: SimulatedWhatsAppOptions = {},
): Promise<SimulatedWhatsApp> {
  const temp = await createTempKabarDir("kabar-simulated-");
  const { dir, sessionsDir, databaseUrl, db } = temp;
  const simulator = await startSimulator({ port: 0, ...options.simulator });
  const logger = options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
  const running = new Set<ManagerUnderTest>();
  // This harness builds the port itself, so it is the entry that installs the process guards.
  installProcessGuards(logger);

  const createPort = () =>
    createWaMultiSessionPort({
      sessionsDir,
      wsUrl: simulator.wsUrl,
      logger,
      ...(options.qrTimeoutMs === undefined ? {} : { qrTimeoutMs: options.qrTimeoutMs }),
    });

  return {
    simulator,
    dir,
    sessionsDir,
    databaseUrl,
    db,
    logger,
    createPort,
    createManager(managerOptions = {}) {
      const port = createPort();
      const events = new InMemoryEventBus();
      const manager = createSessionManager({
        db,
        port,
        sessionsDir,
        events,
        logger,
        reconnect: managerOptions.reconnect ?? options.reconnect ?? { initialDelayMs: 20, maxDelayMs: 200 },
        ...(managerOptions.heartbeatMs === undefined ? {} : { heartbeatMs: managerOptions.heartbeatMs }),
      });
      const underTest: ManagerUnderTest = {
        manager,
        port,
        events,
        async stop() {
          running.delete(underTest);
          await manager.close();
          await port.close();
        },
      };
      running.add(underTest);
      return underTest;
    },
    async close() {
      for (const underTest of [...running]) await underTest.stop();
      await simulator.close();
      await temp.close();
    },
  };
}

/** Resolves with the first status (the current one included) that matches; subscribe-then-check so none is missed. */
export function waitForStatus(
  manager: SessionManager,
  matches: (status: SessionStatus) => boolean,
  timeoutMs = 15_000,
): Promise<SessionStatus> {
  return new Promise((resolve, reject) => {
    const off = manager.onStatus((status) => {
      if (!matches(status)) return;
      finish();
      resolve(status);
    });
    const timer = setTimeout(() => {
      finish();
      const { state, reason } = manager.status();
      reject(new Error(`no matching session status within ${timeoutMs} ms (last: ${state}, ${reason})`));
    }, timeoutMs);
    const finish = () => {
      off();
      clearTimeout(timer);
    };
    const current = manager.status();
    if (matches(current)) {
      finish();
      resolve(current);
    }
  });
}

/** create → connect → QR → the simulated phone scans → connected. Returns the connected status. */
export async function linkNewSession(
  harness: SimulatedWhatsApp,
  manager: SessionManager,
  sessionId = "main_session",
): Promise<SessionStatus> {
  await manager.create({ name: "Main", sessionId });
  const waitingQr = waitForStatus(manager, (status) => status.state === "waiting_qr");
  await manager.connect();
  const { qr } = await waitingQr;
  if (!qr) throw new Error("waiting_qr without a QR");
  const connected = waitForStatus(manager, (status) => status.state === "connected");
  await harness.simulator.phone.scan(qr.value);
  return connected;
}
