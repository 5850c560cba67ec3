/**
 * `pnpm start:cluster [--simulated]`: two nodes on PORT and PORT+1 (default 3000 and 3001) against one
 * PostgreSQL, for trying failover on one machine (README "Several nodes"). DATABASE_URL=postgresql://…
 * uses that server; otherwise a local one is started from Debian's package with its files in
 * data/cluster-pg/, kept across restarts (as root, in /var/lib/postgresql/kabar-cluster-pg: the server
 * then runs as the postgres user, who may not enter Kabar's private data/ folder). --simulated starts a WhatsApp simulator both nodes point at.
 * Each node is its own process (the WhatsApp library is process-global): kill -9 one to watch the other
 * take over. Ctrl-C stops all of it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { createInterface } from "node:readline";
import { isPostgresUrl, redactPassword } from "@kabar/db";
import { type PostgresServer, startPostgres } from "@kabar/db/testing";
import { startSimulator, type WhatsAppSimulator } from "@kabar/whatsapp-simulator";
import { REPO_ROOT } from "../src/env.js";

const NODE_COUNT = 2;
const args = process.argv.slice(2);
const isSimulated = args.includes("--simulated");
const unknown = args.filter((arg) => arg !== "--simulated" && arg !== "--");
if (unknown.length > 0) fail(`unknown argument ${unknown.join(" ")} — the only switch is --simulated`);
const basePort = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(basePort) || basePort < 1 || basePort > 65534)
  fail(`PORT must be 1–65534 (the nodes use PORT and PORT+1), got "${process.env.PORT}"`);
const configuredUrl = process.env.DATABASE_URL?.trim() || undefined;
if (configuredUrl && !isPostgresUrl(configuredUrl))
  fail(
    `DATABASE_URL must be postgresql://… for a cluster (SQLite is one node: pnpm start), got "${configuredUrl}"`,
  );

function fail(message: string): never {
  process.stderr.write(`kabar: ${message}\n`);
  process.exit(1);
}

const dataRoot = path.join(REPO_ROOT, "data");
let postgres: PostgresServer | null = null;
let simulator: WhatsAppSimulator | null = null;
const children: ChildProcess[] = [];
let isStopping = false;

function postgresFolder(): string {
  return process.getuid?.() === 0
    ? "/var/lib/postgresql/kabar-cluster-pg"
    : path.join(dataRoot, "cluster-pg");
}

async function databaseUrl(): Promise<string> {
  if (configuredUrl) return configuredUrl;
  postgres = await startPostgres({ folder: postgresFolder() });
  await postgres.createDatabase("kabar").catch((error: unknown) => {
    // 42P04 duplicate_database: made by an earlier start, data kept
    if (!(error instanceof Error && "code" in error && error.code === "42P04")) throw error;
  });
  return `postgresql://postgres@127.0.0.1:${postgres.port}/kabar`;
}

function startNode(port: number, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: path.join(REPO_ROOT, "packages", "api"),
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      // shared nothing but the database: each node its own credentials folder
      WA_SESSIONS_DIR: path.join(dataRoot, "cluster", String(port), "wa_sessions"),
    },
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on("line", (line) => process.stdout.write(`[${port}] ${line}\n`));
  }
  child.once("exit", (code, signal) => {
    if (isStopping) return;
    process.stdout.write(
      `[${port}] exited (${signal ?? `code ${code}`}); the other node takes the session over. ` +
        `Ctrl-C and pnpm start:cluster again to bring it back.\n`,
    );
  });
  return child;
}

async function stopAll(): Promise<void> {
  if (isStopping) return;
  isStopping = true;
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await once(child, "exit");
    }),
  );
  await simulator?.close();
  await postgres?.stop();
}

process.once("SIGINT", () => void stopAll().then(() => process.exit(0)));
process.once("SIGTERM", () => void stopAll().then(() => process.exit(0)));

try {
  const url = await databaseUrl();
  const env: Record<string, string> = { DATABASE_URL: url };
  if (isSimulated) {
    simulator = await startSimulator({
      port: Number(process.env.SIMULATOR_PORT ?? 3100),
      host: "127.0.0.1",
      dataDir: path.join(dataRoot, "cluster", "simulator"),
    });
    env.WHATSAPP_WS_URL = simulator.wsUrl;
    env.WHATSAPP_MEDIA_URL = simulator.media.info().url;
    env.WHATSAPP_EXTRA_CA = simulator.media.info().caPath;
  }
  process.stdout.write(
    `PostgreSQL: ${redactPassword(url)}${postgres ? ` (files in ${postgresFolder()})` : ""}\n`,
  );
  if (simulator) process.stdout.write(`WhatsApp simulator: ${simulator.controlUrl} (control API)\n`);
  for (let index = 0; index < NODE_COUNT; index += 1) {
    const child = startNode(basePort + index, env);
    children.push(child);
    process.stdout.write(
      `node ${index + 1}: http://localhost:${basePort + index} (pid ${child.pid}; kill -9 ${child.pid} to try failover)\n`,
    );
  }
} catch (error) {
  process.stderr.write(`kabar: ${error instanceof Error ? error.message : String(error)}\n`);
  await stopAll();
  process.exit(1);
}
