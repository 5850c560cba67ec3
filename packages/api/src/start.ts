/**
 * Start-up shared by `pnpm start` and `pnpm start:simulated`: check the folders, migrate, create
 * core, listen. Every failure a user can fix becomes a StartupError with one line: problem — fix.
 */
import { accessSync, constants, mkdirSync } from "node:fs";
import { createDatabase, DatabaseUrlError, MigrationError, migrateDatabase } from "@kabar/db";
import type { Logger } from "pino";
import { EnvError, type Env } from "./env.js";
import { type Kabar, KabarError, type KabarOptions } from "./kabar.js";
import { tightenPrivateFiles } from "./private-files.js";
import { createServer } from "./server.js";
import type { ServerMeta } from "./trpc/context.js";

export class StartupError extends Error {
  override name = "StartupError";
}

export interface StartOptions {
  env: Env;
  logger: Logger;
  createKabar: (options: KabarOptions) => Promise<Kabar>;
  meta?: ServerMeta;
}

export interface RunningKabar {
  url: string;
  port: number;
  close(): Promise<void>;
}

function ensureWritableFolder(folder: string): void {
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    accessSync(folder, constants.W_OK);
  } catch (error) {
    const code = error instanceof Error && "code" in error ? String(error.code) : "unknown error";
    throw new StartupError(
      `WA_SESSIONS_DIR "${folder}" is not writable (${code}) — fix its permissions (chmod u+w) or set WA_SESSIONS_DIR to a writable folder.`,
    );
  }
}

function listenError(error: unknown, env: Env): Error {
  const code = error instanceof Error && "code" in error ? error.code : undefined;
  if (code === "EADDRINUSE") {
    return new StartupError(
      `Port ${env.PORT} is already in use — stop the other process on it or start with another port, e.g. PORT=3001 pnpm start.`,
    );
  }
  if (code === "EACCES") {
    return new StartupError(
      `Port ${env.PORT} needs root privileges — use a port above 1024, e.g. PORT=3000.`,
    );
  }
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") {
    return new StartupError(
      `HOST "${env.HOST}" is not an address of this machine — set HOST=0.0.0.0 or 127.0.0.1.`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

export async function startKabar(options: StartOptions): Promise<RunningKabar> {
  const { env, logger } = options;
  ensureWritableFolder(env.WA_SESSIONS_DIR);
  const migration = await migrateDatabase(env.DATABASE_URL);
  if (migration.applied.length > 0) logger.info({ applied: migration.applied }, "database migrated");
  tightenPrivateFiles({ databaseUrl: env.DATABASE_URL, sessionsDir: env.WA_SESSIONS_DIR }, logger);
  const nodeId = env.CLUSTER_NODE_ID;
  // PostgreSQL: every connection of this node is named after it (a test or an operator can find them)
  const db = createDatabase(env.DATABASE_URL, { applicationName: `kabar-${nodeId}` });
  let kabar: Kabar | null = null;
  try {
    // One Prisma client per process: core and the API's auth share it (see KabarOptions.db).
    const kabarOptions: KabarOptions = {
      databaseUrl: env.DATABASE_URL,
      db,
      sessionsDir: env.WA_SESSIONS_DIR,
      logger,
      clusterNodeId: nodeId,
      clusterLeaseMs: env.CLUSTER_LEASE_MS,
    };
    if (env.WHATSAPP_WS_URL) kabarOptions.whatsappWsUrl = env.WHATSAPP_WS_URL;
    if (env.WHATSAPP_MEDIA_URL) kabarOptions.whatsappMediaUrl = env.WHATSAPP_MEDIA_URL;
    if (env.WHATSAPP_EXTRA_CA) kabarOptions.whatsappExtraCa = env.WHATSAPP_EXTRA_CA;
    if (env.WA_WEB_VERSION) kabarOptions.waWebVersion = env.WA_WEB_VERSION;
    if (env.WA_WEB_VERSION_URL) kabarOptions.waWebVersionUrl = env.WA_WEB_VERSION_URL;
    kabar = await options.createKabar(kabarOptions);
    const server = createServer({ kabar, db, env, logger, ...(options.meta ? { meta: options.meta } : {}) });
    const { url, port } = await server.listen(env.PORT, env.HOST).catch((error: unknown) => {
      throw listenError(error, env);
    });
    const running = kabar;
    return {
      url,
      port,
      async close() {
        await server.close();
        await running.close();
        await db.$disconnect();
      },
    };
  } catch (error) {
    await kabar?.close().catch(() => undefined);
    await db.$disconnect().catch(() => undefined);
    throw error;
  }
}

/** The one line to print for an error a user can fix; null for a bug (print the stack then). */
export function startupErrorLine(error: unknown): string | null {
  if (
    error instanceof StartupError ||
    error instanceof EnvError ||
    error instanceof DatabaseUrlError ||
    error instanceof MigrationError
  ) {
    return error.message;
  }
  if (error instanceof KabarError && error.code === "SESSION_LOCKED") return error.message;
  return null;
}

/** Runs start-up; prints one line and exits 1 on a known problem; stops cleanly on SIGTERM/SIGINT. */
export async function runUntilSignal(start: () => Promise<{ close(): Promise<void> }>) {
  let running: { close(): Promise<void> };
  try {
    running = await start();
  } catch (error) {
    const line = startupErrorLine(error);
    if (line === null) throw error;
    process.stderr.write(`kabar: ${line}\n`);
    process.exit(1);
  }
  let isStopping = false;
  const stop = async (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    process.stdout.write(`kabar: ${signal}, stopping\n`);
    // A stuck close must not keep the process alive forever.
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    await running.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}
