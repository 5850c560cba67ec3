/**
 * The server exactly as `pnpm start` runs it: the three server packages built to dist/ and started by
 * packages/api/bin/start.sh (plain node, the kabar-built condition, the memory settings), on a fresh
 * temp database against the simulator. For the test that proves the build and the bench's figure 6.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import type { WhatsAppSimulator } from "@kabar/whatsapp-simulator";

const repoRoot = path.resolve(import.meta.dirname, "..", "..", "..");
const PASSWORD = "built-server-password-1";

export interface BuiltServer {
  url: string;
  /** the node process (start.sh execs it) */
  child: ChildProcess;
  /** Everything it printed. */
  output(): string;
  /** The next stdout line that matches (lines printed before the call do not count). */
  nextLine(matches: (line: string) => boolean): Promise<string>;
  /** VmRSS of the server process, bytes. */
  rssBytes(): number;
  /** An admin-scope API token, made the way a person would: log in with the password, create it. */
  adminToken(): Promise<string>;
  stop(): Promise<void>;
}

/** turbo's `build` of @kabar/db, @kabar/core and @kabar/api, run directly (fresh, not cached). */
export async function buildServer(): Promise<void> {
  for (const [folder, args] of [
    ["db", []],
    ["core", []],
    ["api", ["testing"]],
  ] as const) {
    await promisify(execFile)(
      process.execPath,
      [path.join(repoRoot, "scripts", "build-server-package.mjs"), ...args],
      { cwd: path.join(repoRoot, "packages", folder) },
    );
  }
}

/**
 * How the server process is started: `pnpm start`'s script (the default), or for comparisons in the
 * bench, the same build without the memory settings, or the TypeScript sources under tsx as before.
 */
export type Launch = "start-script" | "built-plain" | "tsx";

const LAUNCHES: Record<Launch, { command: string; args: string[] }> = {
  "start-script": { command: "sh", args: [path.join(repoRoot, "packages", "api", "bin", "start.sh")] },
  "built-plain": { command: process.execPath, args: ["--conditions=kabar-built", "dist/main.js"] },
  tsx: { command: process.execPath, args: ["--import", "tsx", "src/main.ts"] },
};

export async function startBuiltServer(
  simulator: WhatsAppSimulator,
  env: Record<string, string> = {},
  launch: Launch = "start-script",
): Promise<BuiltServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kabar-built-server-"));
  const adminDist = path.join(dir, "admin-dist");
  fs.mkdirSync(adminDist);
  fs.writeFileSync(path.join(adminDist, "index.html"), "<!doctype html><title>Kabar panel</title>");
  let output = "";
  const lineWaiters = new Set<(line: string) => void>();
  const { command, args } = LAUNCHES[launch];
  const child = spawn(command, args, {
    cwd: path.join(repoRoot, "packages", "api"),
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      DATABASE_URL: `file:${path.join(dir, "kabar.db")}`,
      WA_SESSIONS_DIR: path.join(dir, "wa_sessions"),
      ADMIN_PASSWORD: PASSWORD,
      ADMIN_DIST_DIR: adminDist,
      WHATSAPP_WS_URL: simulator.wsUrl,
      WHATSAPP_MEDIA_URL: simulator.media.info().url,
      WHATSAPP_EXTRA_CA: simulator.media.info().caPath,
      ...env,
    },
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = once(child, "exit");
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const url = await new Promise<string>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the built server exited (${code}): ${output}`));
    child.once("exit", onExit);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      output += `${line}\n`;
      for (const waiter of [...lineWaiters]) waiter(line);
      const running = /^Kabar is running at (http:\/\/\S+)/.exec(line)?.[1];
      if (!running) return;
      child.off("exit", onExit);
      resolve(running);
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return {
    url,
    child,
    output: () => output,
    nextLine(matches) {
      return new Promise((resolve, reject) => {
        const onExit = () => reject(new Error(`the built server exited: ${output}`));
        const waiter = (line: string) => {
          if (!matches(line)) return;
          lineWaiters.delete(waiter);
          child.off("exit", onExit);
          resolve(line);
        };
        lineWaiters.add(waiter);
        child.once("exit", onExit);
      });
    },
    rssBytes() {
      const kb = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1];
      return Number(kb ?? 0) * 1024;
    },
    async adminToken() {
      const headers = { "content-type": "application/json", origin: url };
      const login = await fetch(`${url}/api/auth/login`, {
        method: "POST",
        headers,
        body: JSON.stringify({ password: PASSWORD }),
      });
      if (login.status !== 200) throw new Error(`login answered ${login.status}`);
      const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
      const created = await fetch(`${url}/trpc/tokens.create`, {
        method: "POST",
        headers: { ...headers, cookie },
        body: JSON.stringify({ name: "built server", scope: "admin" }),
      });
      return ((await created.json()) as { result: { data: { token: string } } }).result.data.token;
    },
    stop,
  };
}
