/**
 * `@kabar/api/testing`: a live Kabar server for other packages' tests (e.g. an internal app's),
 * on a free port with its own temp database and an API token ready to use. `startTestServer` runs
 * on the fake Kabar (fast); `startSimulatedTestServer` on core's createKabar with a WhatsApp
 * simulator and the session already linked, so a test can see messages arrive.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDatabase, migrateDatabase, type PrismaClient } from "@kabar/db";
import { startSimulator, type WhatsAppSimulator } from "@kabar/whatsapp-simulator";
import { pino } from "pino";
import { readEnv } from "../env.js";
import { createKabar, type Kabar, type SessionStatus } from "../kabar.js";
import { createLogger } from "../logger.js";
import { createServer } from "../server.js";
import { FakeKabar } from "./fake-kabar.js";

export { FakeKabar };
export { linkThroughClient } from "./link-through-client.js";

export interface TestServer<K extends Kabar> {
  url: string;
  /** An API token (Bearer) created for this server. */
  token: string;
  kabar: K;
  close(): Promise<void>;
}

export type KabarFactory<K extends Kabar> = (paths: {
  databaseUrl: string;
  sessionsDir: string;
  db: PrismaClient;
}) => Promise<K>;

/** Core's real createKabar pointed at the simulator, with pacing off so tests do not wait. */
export function simulatedKabar(simulator: WhatsAppSimulator): KabarFactory<Kabar> {
  return ({ databaseUrl, sessionsDir, db }) =>
    createKabar({
      databaseUrl,
      db,
      sessionsDir,
      whatsappWsUrl: simulator.wsUrl,
      whatsappMediaUrl: simulator.media.info().url,
      whatsappExtraCa: simulator.media.info().caPath,
      settings: { minGapMs: 0, maxGapMs: 0, perRecipientGapMs: 0, dailyCap: 0 },
      ackTimeoutMs: 3_000,
      logger: pino({ level: "silent" }),
      // Tests drop sockets on purpose: Baileys' abandoned queries must not fail the run.
      installProcessGuards: true,
    });
}

async function launch<K extends Kabar>(
  makeKabar: KabarFactory<K>,
  onClose: () => Promise<void>,
): Promise<TestServer<K>> {
  const dir = await mkdtemp(path.join(tmpdir(), "kabar-test-server-"));
  const databaseUrl = `file:${path.join(dir, "kabar.db")}`;
  await migrateDatabase(databaseUrl);
  const env = readEnv({
    LOG_LEVEL: "silent",
    DATABASE_URL: databaseUrl,
    WA_SESSIONS_DIR: path.join(dir, "wa_sessions"),
    ADMIN_DIST_DIR: path.join(dir, "admin-dist"),
  });
  const db = createDatabase(databaseUrl);
  const kabar = await makeKabar({ databaseUrl, sessionsDir: env.WA_SESSIONS_DIR, db });
  const server = createServer({ kabar, db, env, logger: createLogger(env) });
  const { url } = await server.listen(0, "127.0.0.1");
  const { token } = await server.deps.auth.createToken("test", "admin");
  return {
    url,
    token,
    kabar,
    async close() {
      await server.close();
      await kabar.close();
      await db.$disconnect();
      await onClose();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function startTestServer(): Promise<TestServer<FakeKabar>> {
  return launch(
    async () => new FakeKabar(),
    async () => {},
  );
}

/** Resolves with the first status matching, the current one included. */
function sessionReaches(
  kabar: Kabar,
  state: SessionStatus["state"],
  timeoutMs = 30_000,
): Promise<SessionStatus> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`the session did not reach ${state} within ${timeoutMs} ms`));
    }, timeoutMs);
    const finish = (status: SessionStatus) => {
      clearTimeout(timer);
      off();
      resolve(status);
    };
    const off = kabar.events.on(({ event }) => {
      if (event.type === "session.state" && event.status.state === state) finish(event.status);
    });
    const current = kabar.sessions.status();
    if (current.state === state) finish(current);
  });
}

export async function startSimulatedTestServer(): Promise<
  TestServer<Kabar> & { simulator: WhatsAppSimulator }
> {
  const simulator = await startSimulator({ port: 0, host: "127.0.0.1" });
  const server = await launch(simulatedKabar(simulator), () => simulator.close()).catch(
    async (error: unknown) => {
      await simulator.close();
      throw error;
    },
  );
  try {
    // Link the one session as an admin would: create, connect, the phone scans the QR.
    const { kabar } = server;
    await kabar.sessions.create({ name: "Test", sessionId: "test_session" });
    const waitingQr = sessionReaches(kabar, "waiting_qr");
    await kabar.sessions.connect();
    const { qr } = await waitingQr;
    const connected = sessionReaches(kabar, "connected");
    await simulator.phone.scan(qr?.value ?? "");
    await connected;
    return { ...server, simulator };
  } catch (error) {
    await server.close();
    throw error;
  }
}
