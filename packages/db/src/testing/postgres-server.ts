/**
 * A throwaway PostgreSQL server for tests and `pnpm start:cluster`: Debian's `postgresql` package, a data
 * folder in a temp dir, a free port on loopback, trust authentication, and a socket folder of its own.
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user.
 */
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { SESSION_LEASE_KEY } from "../whatsapp-credentials/credential-table.js";

const run = promisify(execFile);

export interface PostgresServer {
  /** postgresql://postgres@127.0.0.1:<port>/postgres */
  adminUrl: string;
  port: number;
  /** A new database on this server, empty or a copy of `template` (a database nobody is connected
   * to: copying a migrated one is much faster than migrating again); returns its URL. */
  createDatabase(name?: string, options?: { template?: string }): Promise<string>;
  /** Ends every backend whose application_name starts with the prefix (pg_terminate_backend); returns how many. */
  terminateBackends(applicationNamePrefix: string): Promise<number>;
  stop(): Promise<void>;
}

/** The folder of initdb and pg_ctl: on PATH, or Debian's /usr/lib/postgresql/<version>/bin. */
export function findPostgresBin(): string {
  const onPath = (process.env.PATH ?? "")
    .split(path.delimiter)
    .find((dir) => fs.existsSync(path.join(dir, "initdb")));
  if (onPath) return onPath;
  const debian = "/usr/lib/postgresql";
  const versions = fs.existsSync(debian)
    ? fs
        .readdirSync(debian)
        .filter((version) => fs.existsSync(path.join(debian, version, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return path.join(debian, versions[0], "bin");
  throw new Error(
    "PostgreSQL is not installed: install Debian's postgresql package (apt-get install -y postgresql)",
  );
}

const isRoot = () => process.getuid?.() === 0;

/** Runs a PostgreSQL program, as the postgres user when this process is root. */
async function runAs(bin: string, program: string, args: string[]): Promise<void> {
  const file = path.join(bin, program);
  if (!isRoot()) {
    await run(file, args);
    return;
  }
  const quoted = [file, ...args].map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(" ");
  await run("su", ["postgres", "-s", "/bin/sh", "-c", quoted]);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const running = new Set<() => void>();
process.once("exit", () => {
  for (const stop of running) stop();
});

export interface StartPostgresOptions {
  /**
   * Keep the server's files in this folder (made on first use, reused after): `pnpm start:cluster` keeps
   * its data across restarts. Default: a temp folder removed at stop, as tests want.
   */
  folder?: string;
  /** fsync on, as a production server runs (the bench's figures); default off for a temp server. */
  isDurable?: boolean;
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const bin = findPostgresBin();
  const isKept = options.folder !== undefined;
  const dir = options.folder ?? fs.mkdtempSync(path.join(os.tmpdir(), "kabar-pg-"));
  const dataDir = path.join(dir, "data");
  const isNew = !fs.existsSync(path.join(dataDir, "PG_VERSION"));
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (isRoot()) {
    fs.chmodSync(dir, 0o755);
    execFileSync("chown", ["-R", "postgres:postgres", dir]);
  }
  if (isNew)
    await runAs(bin, "initdb", ["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "-D", dataDir]);
  const port = await freePort();
  // fsync off only for throwaway servers: a kept one must survive a crash of the machine
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=${isKept || options.isDurable ? "on" : "off"} -c max_connections=200`;
  await runAs(bin, "pg_ctl", [
    "-D",
    dataDir,
    "-l",
    path.join(dir, "server.log"),
    "-o",
    serverOptions,
    "-w",
    "start",
  ]);

  const stopNow = () => {
    try {
      const args = ["-D", dataDir, "-m", isKept ? "fast" : "immediate", "stop"];
      if (isRoot())
        execFileSync("su", [
          "postgres",
          "-s",
          "/bin/sh",
          "-c",
          `${path.join(bin, "pg_ctl")} ${args.join(" ")}`,
        ]);
      else execFileSync(path.join(bin, "pg_ctl"), args);
    } catch {
      // already stopped
    }
    if (!isKept) fs.rmSync(dir, { recursive: true, force: true });
  };
  running.add(stopNow);

  const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  let databases = 0;
  return {
    adminUrl,
    port,
    async createDatabase(name = `kabar_${process.pid}_${++databases}`, options = {}) {
      for (const identifier of [name, options.template ?? name]) {
        if (!/^[a-z_][a-z0-9_]*$/.test(identifier))
          throw new Error(`database name ${identifier} is not a plain identifier`);
      }
      const template = options.template === undefined ? "" : ` TEMPLATE "${options.template}"`;
      await admin((client) => client.query(`CREATE DATABASE "${name}"${template}`));
      return `postgresql://postgres@127.0.0.1:${port}/${name}`;
    },
    async terminateBackends(prefix) {
      const result = await admin((client) =>
        client.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE $1 AND pid <> pg_backend_pid()",
          [`${prefix.replace(/[\\%_]/g, "\\$&")}%`],
        ),
      );
      return result.rowCount ?? 0;
    },
    async stop() {
      running.delete(stopNow);
      stopNow();
    },
  };
}

/**
 * Writes the session's lease row as the lease does when `nodeId` takes it with `token` (valid a minute),
 * for tests of what the lease guards without running the lease itself.
 */
export async function writeLease(
  db: { $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> },
  { nodeId, token }: { nodeId: string; token: number },
): Promise<void> {
  await db.$executeRawUnsafe(
    `INSERT INTO "SessionLease" ("sessionId", "holder", "token", "acquiredAt", "renewedAt", "expiresAt")
     VALUES ($1, $2, $3, now(), now(), now() + interval '1 minute')
     ON CONFLICT ("sessionId") DO UPDATE SET "holder" = $2, "token" = $3, "expiresAt" = EXCLUDED."expiresAt"`,
    SESSION_LEASE_KEY,
    nodeId,
    token,
  );
}
