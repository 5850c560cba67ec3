/**
 * `pnpm start` runs the server built to JavaScript (`node --conditions=kabar-built
 * packages/api/dist/main.js`), not TypeScript under tsx. Here that very build starts on its own, migrates
 * a fresh database, serves /health and the panel, and links a session against the simulator through
 * the real wa-multi-session + Baileys. Other suites start the server under tsx for speed.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { linkThroughClient } from "@kabar/api/testing";
import { createKabarClient } from "@kabar/client";
import { startSimulator, type WhatsAppSimulator } from "@kabar/whatsapp-simulator";
import { afterAll, beforeAll, expect, it } from "vitest";

const repoRoot = path.resolve(import.meta.dirname, "..", "..", "..");
const PASSWORD = "built-server-password-1";

let simulator: WhatsAppSimulator;
let server: ChildProcess;
let baseUrl: string;
let dir: string;
let output = "";

/** The server's stdout line "Kabar is running at <url> …", or the exit that came first. */
function runningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the built server exited (${code}): ${output}`));
    child.once("exit", onExit);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      output += `${line}\n`;
      const url = /^Kabar is running at (http:\/\/\S+)/.exec(line)?.[1];
      if (!url) return;
      child.off("exit", onExit);
      resolve(url);
    });
  });
}

beforeAll(async () => {
  // The build `pnpm start` runs (turbo's build task of these three packages), fresh.
  for (const [folder, args] of [
    ["db", []],
    ["core", []],
    ["api", ["testing"]],
  ] as const) {
    await promisify(execFile)(
      process.execPath,
      [path.join(repoRoot, "scripts", "build-server-package.mjs"), ...args],
      {
        cwd: path.join(repoRoot, "packages", folder),
      },
    );
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "kabar-built-server-"));
  const adminDist = path.join(dir, "admin-dist");
  fs.mkdirSync(adminDist);
  fs.writeFileSync(path.join(adminDist, "index.html"), "<!doctype html><title>Kabar panel</title>");
  simulator = await startSimulator({ port: 0, host: "127.0.0.1" });
  server = spawn(process.execPath, ["--conditions=kabar-built", "packages/api/dist/main.js"], {
    cwd: repoRoot,
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
    },
  });
  server.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  baseUrl = await runningUrl(server);
}, 120_000);

afterAll(async () => {
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = once(server, "exit");
    server.kill("SIGTERM");
    await exited;
  }
  await simulator?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it("runs as plain JavaScript: no TypeScript loader in the process", async () => {
  const commandLine = fs.readFileSync(`/proc/${server.pid}/cmdline`, "utf8").split("\0");
  expect(commandLine).toEqual([
    process.execPath,
    "--conditions=kabar-built",
    "packages/api/dist/main.js",
    "",
  ]);
  // tsx would keep an esbuild service as a child process
  expect(fs.readFileSync(`/proc/${server.pid}/task/${server.pid}/children`, "utf8").trim()).toBe("");
});

it("migrates a fresh database, answers /health and serves the panel", async () => {
  const health = await fetch(`${baseUrl}/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ ok: true, database: true, session: { state: "disconnected" } });
  const panel = await fetch(`${baseUrl}/`);
  expect(await panel.text()).toContain("<title>Kabar panel</title>");
});

it("links a session against the simulator: QR → the phone scans → connected", async () => {
  const headers = { "content-type": "application/json", origin: baseUrl };
  const login = await fetch(`${baseUrl}/api/auth/login`, {
    method: "POST",
    headers,
    body: JSON.stringify({ password: PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const created = await fetch(`${baseUrl}/trpc/tokens.create`, {
    method: "POST",
    headers: { ...headers, cookie },
    body: JSON.stringify({ name: "built server test", scope: "admin" }),
  });
  const { token } = ((await created.json()) as { result: { data: { token: string } } }).result.data;
  const client = createKabarClient({ url: baseUrl, token });

  const seen = await linkThroughClient(client, (qr) => simulator.phone.scan(qr));
  expect(seen).toContain("waiting_qr");
  const status = await client.session.status.query();
  expect(status).toMatchObject({ state: "connected", linkedNumber: simulator.state().account.number });
}, 90_000);
