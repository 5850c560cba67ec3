/**
 * The Kabar server as its own process (REST + tRPC + panel on createKabar, pacing off), for tests
 * and benchmarks that must kill it, measure its memory or hit it over HTTP. Configured by the API's
 * own variables (DATABASE_URL, WA_SESSIONS_DIR, WHATSAPP_WS_URL, ADMIN_PASSWORD, ADMIN_DIST_DIR).
 * Writes one JSON line per fact to stdout: `ready` with url and token, then every session state.
 */
import { createServer, readEnv, tightenPrivateFiles } from "@kabar/api";
import { createKabar } from "@kabar/core";
import { createDatabase, migrateDatabase } from "@kabar/db";
import { pino } from "pino";
import { NO_PACING } from "./simulated-kabar.js";

function emit(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

const env = readEnv({ ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent" });
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
await migrateDatabase(env.DATABASE_URL);
// As startKabar does: credentials and database private, with a warning when they were not.
tightenPrivateFiles({ databaseUrl: env.DATABASE_URL, sessionsDir: env.WA_SESSIONS_DIR }, logger);
const db = createDatabase(env.DATABASE_URL);
const kabar = await createKabar({
  databaseUrl: env.DATABASE_URL,
  sessionsDir: env.WA_SESSIONS_DIR,
  ...(env.WHATSAPP_WS_URL ? { whatsappWsUrl: env.WHATSAPP_WS_URL } : {}),
  settings: NO_PACING,
  ackTimeoutMs: Number(process.env.KABAR_ACK_TIMEOUT_MS ?? 3_000),
  reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
  logger,
  db,
  installProcessGuards: true,
});
kabar.events.on(({ event }) => {
  if (event.type === "session.state")
    emit({ type: "state", state: event.status.state, qr: event.status.qr?.value ?? null, at: Date.now() });
});
if (process.env.KABAR_REPORT_DRAINED === "1") reportDrained();
const server = createServer({ kabar, db, env, logger });
const { url } = await server.listen(0, "127.0.0.1");
if (env.ADMIN_PASSWORD) await server.deps.auth.ensureInitialAdmin(env.ADMIN_PASSWORD);
const { token } = await server.deps.auth.createToken(`child-${process.pid}`, "admin");
emit({ type: "ready", url, token, state: kabar.sessions.status().state });

/** Emits `drained` each time the outbox empties: checked after status changes, one check at a time. */
function reportDrained(): void {
  let isChecking = false;
  let again = false;
  let wasEmpty = true;
  kabar.events.on(({ event }) => {
    if (event.type === "message.status") void check();
  });
  async function check(): Promise<void> {
    if (isChecking) {
      again = true;
      return;
    }
    isChecking = true;
    do {
      again = false;
      const depth = (await kabar.health()).outboxDepth;
      if (depth === 0 && !wasEmpty) emit({ type: "drained", at: Date.now() });
      wasEmpty = depth === 0;
    } while (again);
    isChecking = false;
  }
}

async function stop(): Promise<void> {
  await server.close();
  await kabar.close();
  await db.$disconnect();
  process.exit(0);
}
process.once("SIGTERM", () => void stop());
