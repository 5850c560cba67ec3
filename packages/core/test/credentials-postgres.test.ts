/**
 * Issue 16 item 2: on PostgreSQL the WhatsApp credentials live in the `WhatsAppCredential` table, so a
 * node with an empty wa_sessions/ takes the session over without a QR. Real wa-multi-session + Baileys
 * against the simulator. Node A is a whole Kabar that takes the lease itself; node B is a session and its port
 * whose lease row the test writes (as a takeover leaves it), so its fence can be set exactly.
 * One file: wa-multi-session keeps module-global state, so its tests run one after another.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type CredentialFence, createDatabase, migrateDatabase, type PrismaClient } from "@kabar/db";
import { type PostgresServer, startPostgres, writeLease } from "@kabar/db/testing";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { InMemoryEventBus } from "../src/events/event-bus.js";
import { createSessionManager, type SessionManager } from "../src/session/session-manager.js";
import { createWaMultiSessionPort } from "../src/whatsapp/adapters/wa-multi-session/index.js";
import type { WhatsAppPort } from "../src/whatsapp/port.js";
import {
  linkSession,
  receivedOnceDecrypted,
  SESSION_ID,
  type SimulatedKabar,
  sessionReaches,
  startSimulatedKabar,
} from "./outbox-simulated.js";
import { waitForStatus } from "./support/simulated-whatsapp-harness.js";

const CONTACT = "6281234567890";

let postgres: PostgresServer;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(() => postgres?.stop());

let harness: SimulatedKabar | null = null;
let db: PrismaClient | null = null;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await harness?.close();
  harness = null;
  await db?.$disconnect();
  db = null;
});

/** Node A on PostgreSQL (the first node: it takes the lease), its log lines kept to check for secrets. */
async function startNodeA(): Promise<{ harness: SimulatedKabar; db: PrismaClient; logs: string[] }> {
  const databaseUrl = await postgres.createDatabase();
  await migrateDatabase(databaseUrl);
  db = createDatabase(databaseUrl);
  const logs: string[] = [];
  const mediaDir = await temporaryFolder();
  harness = await startSimulatedKabar({
    kabar: {
      databaseUrl,
      mediaDir,
      clusterNodeId: "node-a",
      logger: pino({ level: "debug" }, { write: (line: string) => logs.push(line) }),
    },
  });
  return { harness, db, logs };
}

async function temporaryFolder(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "kabar-pg-node-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }));
  return dir;
}

/**
 * Another node: an empty wa_sessions/ of its own, the shared database and simulator. The session and its
 * port without the outbox, whose SQL is not ported to PostgreSQL yet.
 */
async function sessionNode(
  nodeHarness: SimulatedKabar,
  database: PrismaClient,
  fence: CredentialFence,
): Promise<{ manager: SessionManager; port: WhatsAppPort; sessionsDir: string }> {
  const sessionsDir = path.join(await temporaryFolder(), "wa_sessions");
  const credentials = { kind: "database" as const, db: database, fence: () => fence };
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
  const port = createWaMultiSessionPort({
    sessionsDir,
    credentials,
    wsUrl: nodeHarness.simulator.wsUrl,
    logger,
  });
  const events = new InMemoryEventBus();
  const manager = createSessionManager({ db: database, port, sessionsDir, credentials, events, logger });
  cleanups.push(async () => {
    await manager.close();
    await port.close();
  });
  return { manager, port, sessionsDir };
}

const credentialNames = async (database: PrismaClient, sessionId: string) =>
  (await database.whatsAppCredential.findMany({ where: { sessionId }, select: { name: true } })).map(
    (row) => row.name,
  );

describe("WhatsApp credentials in PostgreSQL", { timeout: 90_000 }, () => {
  it("a new node with an empty wa_sessions/ reconnects without a QR and sends what the contact decrypts", async () => {
    const nodeA = await startNodeA();
    await linkSession(nodeA.harness);
    await nodeA.harness.kabar.close();
    const names = await credentialNames(nodeA.db, SESSION_ID);
    expect(names).toContain("creds.json");
    expect(names.some((name) => name.startsWith("pre-key-"))).toBe(true);
    expect(await readdir(nodeA.harness.sessionsDir).catch(() => [])).not.toContain(SESSION_ID);

    // the lease moves on, as a takeover does: another holder, the token one higher
    const nodeB = { nodeId: "node-b", token: 2 };
    await writeLease(nodeA.db, nodeB);
    const second = await sessionNode(nodeA.harness, nodeA.db, nodeB);
    const states: string[] = [];
    second.manager.onStatus((status) => states.push(status.state));
    const connected = waitForStatus(second.manager, (status) => status.state === "connected");
    await second.manager.start();
    await connected;
    expect(states).not.toContain("waiting_qr");
    await second.port.sendText(SESSION_ID, {
      to: CONTACT,
      text: "Halo dari node B",
      messageId: "3EB0NODEB0001",
    });
    // the send resolves once the library has handed it to the socket, not once the contact has it
    await nodeA.harness.simulator.waitForMessages(CONTACT, 1);
    const received = await receivedOnceDecrypted(nodeA.harness.simulator);
    expect(received.map(({ id, text, decryptError }) => ({ id, text, decryptError }))).toEqual([
      { id: "3EB0NODEB0001", text: "Halo dari node B", decryptError: undefined },
    ]);
    expect(await readdir(second.sessionsDir).catch(() => [])).not.toContain(SESSION_ID);

    // No credential content in node A's log lines (which were at debug).
    const creds = await nodeA.db.whatsAppCredential.findUnique({
      where: { sessionId_name: { sessionId: SESSION_ID, name: "creds.json" } },
      select: { content: true },
    });
    const { noiseKey } = JSON.parse(creds?.content ?? "{}") as { noiseKey?: { private?: { data?: string } } };
    expect(noiseKey?.private?.data).toBeTruthy();
    expect(nodeA.logs.length).toBeGreaterThan(0);
    expect(nodeA.logs.some((line) => line.includes(noiseKey?.private?.data ?? "-"))).toBe(false);
  });

  it("logout moves the rows to a backup and the next link starts fresh with a QR", async () => {
    const nodeA = await startNodeA();
    const { kabar } = nodeA.harness;
    await linkSession(nodeA.harness);
    await kabar.sessions.logout();
    expect(await credentialNames(nodeA.db, SESSION_ID)).toEqual([]);
    const backups = await nodeA.db.whatsAppCredential.findMany({
      where: { sessionId: { startsWith: `${SESSION_ID}.backup-` } },
      select: { sessionId: true, name: true },
    });
    expect(backups.map((row) => row.name)).toContain("creds.json");
    expect(new Set(backups.map((row) => row.sessionId)).size).toBe(1);

    // the phone removes the device of the next link: its rows go to a second backup, the first stays
    await linkSession(nodeA.harness);
    expect(await credentialNames(nodeA.db, SESSION_ID)).toContain("creds.json");
    const loggedOut = sessionReaches(kabar, (status) => status.state === "logged_out");
    nodeA.harness.simulator.phone.logout();
    await loggedOut;
    expect(await credentialNames(nodeA.db, SESSION_ID)).toEqual([]);
    const backupSessions = await nodeA.db.whatsAppCredential.groupBy({
      by: ["sessionId"],
      where: { sessionId: { startsWith: `${SESSION_ID}.backup-` } },
      _count: { name: true },
    });
    expect(backupSessions).toHaveLength(2);
    expect(backupSessions.find((group) => group.sessionId === backups[0]?.sessionId)?._count.name).toBe(
      backups.length,
    );
  });
});
