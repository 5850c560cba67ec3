import { execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readEnv } from "../src/env.js";
import { createLogger } from "../src/logger.js";
import { startKabar, startupErrorLine } from "../src/start.js";
import { FakeKabar } from "../src/testing/fake-kabar.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "kabar-start-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function envFor(overrides: Record<string, string>) {
  return readEnv({
    LOG_LEVEL: "silent",
    HOST: "127.0.0.1",
    DATABASE_URL: `file:${path.join(dir, "kabar.db")}`,
    WA_SESSIONS_DIR: path.join(dir, "wa_sessions"),
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<string | null> {
  return promise.then(
    () => "started",
    (error: unknown) => startupErrorLine(error),
  );
}

describe("start-up failures a user can fix are one line: problem — fix", () => {
  it("a port in use", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const address = blocker.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      const env = envFor({ PORT: String(port) });
      const line = await failure(
        startKabar({ env, logger: createLogger(env), createKabar: async () => new FakeKabar() }),
      );
      expect(line).toBe(
        `Port ${port} is already in use — stop the other process on it or start with another port, e.g. PORT=3001 pnpm start.`,
      );
    } finally {
      blocker.close();
    }
  });

  it("a wa_sessions folder that cannot be written", async () => {
    await writeFile(path.join(dir, "a-file"), "");
    const env = envFor({ WA_SESSIONS_DIR: path.join(dir, "a-file", "wa_sessions") });
    const line = await failure(
      startKabar({ env, logger: createLogger(env), createKabar: async () => new FakeKabar() }),
    );
    expect(line).toMatch(/^WA_SESSIONS_DIR ".*" is not writable \(ENOTDIR\) — fix its permissions/);
  });

  it("an unusable DATABASE_URL or PORT, from the environment", () => {
    expect(startupErrorLine(catching(() => envFor({ DATABASE_URL: "mysql://db/kabar" })))).toMatch(
      /^DATABASE_URL "mysql:\/\/db\/kabar": .* — point DATABASE_URL at a writable SQLite file, .* or at PostgreSQL/,
    );
    expect(startupErrorLine(catching(() => envFor({ DATABASE_URL: "postgresql://db.internal/" })))).toMatch(
      /^DATABASE_URL "postgresql:\/\/db\.internal\/": names no host or no database/,
    );
    expect(startupErrorLine(catching(() => envFor({ PORT: "http" })))).toMatch(/PORT must be a port number/);
  });

  it("a WA_WEB_VERSION that is not a WhatsApp Web version names the variable and the form", () => {
    expect(startupErrorLine(catching(() => envFor({ WA_WEB_VERSION: "2.3000" })))).toMatch(
      /WA_WEB_VERSION expected a WhatsApp Web version like 2\.3000\.1030000000/,
    );
    expect(envFor({ WA_WEB_VERSION: "2.3000.1030000000" }).WA_WEB_VERSION).toBe("2.3000.1030000000");
  });

  it("a CLUSTER_NODE_ID with characters unsafe in a metrics label names the variable and the rule", () => {
    for (const bad of ['a"b', "node one", "x".repeat(65), "nodé"]) {
      expect(startupErrorLine(catching(() => envFor({ CLUSTER_NODE_ID: bad })))).toMatch(
        /CLUSTER_NODE_ID must be 1–64 characters: letters, digits, '\.', '_', ':' or '-'/,
      );
    }
    expect(envFor({ CLUSTER_NODE_ID: "eu-1.node_a:3001" }).CLUSTER_NODE_ID).toBe("eu-1.node_a:3001");
    // unset: the host name and the port, so two nodes on one machine differ
    expect(envFor({ PORT: "3001" }).CLUSTER_NODE_ID).toMatch(/^[A-Za-z0-9._-]+:3001$/);
    // any free port: the process, so two such nodes on one host never share a name (the lease's holder)
    expect(envFor({ PORT: "0" }).CLUSTER_NODE_ID).toMatch(new RegExp(`^[A-Za-z0-9._-]+:pid${process.pid}$`));
  });

  it("pnpm start prints only that line and exits 1 (no stack trace)", async () => {
    const tsx = path.join(import.meta.dirname, "..", "node_modules", ".bin", "tsx");
    const result = await promisify(execFile)(tsx, ["src/main.ts"], {
      cwd: path.join(import.meta.dirname, ".."),
      env: { ...process.env, DATABASE_URL: "mysql://nope", PORT: "0" },
    }).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^kabar: DATABASE_URL "mysql:\/\/nope": .* — point DATABASE_URL at/);
  }, 60_000); // a real process: tsx compiles the server and core's WhatsApp library on a busy machine
});

function catching(run: () => unknown): unknown {
  try {
    run();
    return null;
  } catch (error) {
    return error;
  }
}

describe("one process holds the session", () => {
  it("a second server on the same wa_sessions/ refuses to start, naming the process that holds it", async () => {
    const tsx = path.join(import.meta.dirname, "..", "node_modules", ".bin", "tsx");
    const cwd = path.join(import.meta.dirname, "..");
    const env = {
      ...process.env,
      LOG_LEVEL: "silent",
      HOST: "127.0.0.1",
      PORT: "0",
      DATABASE_URL: `file:${path.join(dir, "kabar.db")}`,
      WA_SESSIONS_DIR: path.join(dir, "wa_sessions"),
    };
    const first = spawn(tsx, ["src/main.ts"], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    try {
      // Wait for the line the server prints once it listens (and so holds the lock).
      await new Promise<void>((resolve, reject) => {
        let output = "";
        first.stdout.on("data", (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes("Kabar is running")) resolve();
        });
        first.once("exit", (code) => reject(new Error(`the first server exited (${code}): ${output}`)));
      });
      const second = await promisify(execFile)(tsx, ["src/main.ts"], { cwd, env }).then(
        () => ({ code: 0, stderr: "" }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(second.code).toBe(1);
      const lines = second.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      const holder = JSON.parse(await readFile(path.join(dir, "wa_sessions", ".lock"), "utf8")) as {
        pid: number;
        hostname: string;
      };
      expect(lines[0]).toMatch(/^kabar: The WhatsApp session is held by another process/);
      expect(lines[0]).toContain(`pid ${holder.pid} on ${holder.hostname}`);
    } finally {
      const exited = new Promise((resolve) => first.once("exit", resolve));
      first.kill("SIGTERM");
      await exited;
    }
  }, 60_000);
});
