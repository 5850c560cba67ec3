/**
 * The parent side of server-child.ts: spawn it, read its JSON lines, wait on them (event-driven),
 * measure its resident memory from /proc, kill it. `stop()` is idempotent and always reaps the child.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";

export interface ServerLine {
  type: "ready" | "state" | "drained";
  url?: string;
  token?: string;
  state?: string;
  qr?: string | null;
  at?: number;
}

export interface ServerProcess {
  pid: number;
  url: string;
  token: string;
  child: ChildProcess;
  /** Resolves with the next line (or, with includeSeen, one already read) that matches. */
  waitForLine(
    matches: (line: ServerLine) => boolean,
    timeoutMs?: number,
    includeSeen?: boolean,
  ): Promise<ServerLine>;
  lines: ServerLine[];
  /** The last 4 kB the server wrote to stderr (a crash's stack). */
  stderr(): string;
  /** VmRSS of the server process, bytes. */
  rssBytes(): number;
  kill(signal: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

export interface ServerProcessOptions {
  databaseUrl: string;
  sessionsDir: string;
  whatsappWsUrl: string;
  /** The simulator's media host and CA (`simulator.media.info()`). */
  whatsappMedia?: { url: string; caPath: string };
  adminPassword?: string;
  adminDistDir?: string;
  env?: Record<string, string>;
}

const CHILD = path.join(import.meta.dirname, "server-child.ts");

export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD], {
    cwd: path.join(import.meta.dirname, ".."),
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      WA_SESSIONS_DIR: options.sessionsDir,
      WHATSAPP_WS_URL: options.whatsappWsUrl,
      ...(options.whatsappMedia
        ? { WHATSAPP_MEDIA_URL: options.whatsappMedia.url, WHATSAPP_EXTRA_CA: options.whatsappMedia.caPath }
        : {}),
      ...(options.adminPassword ? { ADMIN_PASSWORD: options.adminPassword } : {}),
      ...(options.adminDistDir ? { ADMIN_DIST_DIR: options.adminDistDir } : {}),
      ...options.env,
    },
  });
  const exited = once(child, "exit");
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const lines: ServerLine[] = [];
  const waiters = new Set<(line: ServerLine) => void>();
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (text) => {
    if (!text.startsWith("{")) return;
    const line = JSON.parse(text) as ServerLine;
    lines.push(line);
    for (const waiter of [...waiters]) waiter(line);
  });

  function waitForLine(matches: (line: ServerLine) => boolean, timeoutMs = 60_000, includeSeen = false) {
    return new Promise<ServerLine>((resolve, reject) => {
      const seen = includeSeen ? lines.find(matches) : undefined;
      if (seen) return resolve(seen);
      const timer = setTimeout(
        () => done(new Error(`no matching server line in ${timeoutMs} ms; stderr: ${stderr}`)),
        timeoutMs,
      );
      const waiter = (line: ServerLine) => {
        if (matches(line)) done(null, line);
      };
      const onExit = () => done(new Error(`the server exited; stderr: ${stderr}`));
      function done(error: Error | null, line?: ServerLine): void {
        clearTimeout(timer);
        waiters.delete(waiter);
        child.off("exit", onExit);
        if (error || !line) reject(error);
        else resolve(line);
      }
      waiters.add(waiter);
      child.once("exit", onExit);
    });
  }

  let ready: ServerLine;
  try {
    ready = await waitForLine((line) => line.type === "ready", 90_000, true);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await exited;
  };
  return {
    pid: child.pid ?? -1,
    url: ready.url ?? "",
    token: ready.token ?? "",
    child,
    lines,
    waitForLine,
    stderr: () => stderr,
    rssBytes() {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
      return Number(kb ?? 0) * 1024;
    },
    kill,
    async stop() {
      // SIGTERM closes cleanly; a stuck close must not leave the process behind.
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await kill("SIGTERM");
      clearTimeout(timer);
    },
  };
}
