/**
 * Issue 14, rows 9 and 10, against a live server on a fresh install: first-run setup is not open to
 * whoever reaches the port first, concurrent setups make one admin (the others 409), and the
 * credentials and database are private, tightened with a warning when an install left them open.
 */
import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDatabase, type PrismaClient } from "@kabar/db";
import { startSimulator, type WhatsAppSimulator } from "@kabar/whatsapp-simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callApi, linkOverRest } from "../../src/rest-client.js";
import { type ServerProcess, startServerProcess } from "../../src/server-process.js";

let dir: string;
let simulator: WhatsAppSimulator;
let server: ServerProcess;
let db: PrismaClient;
let sessionsDir: string;
let databaseFile: string;

const modeOf = (file: string) => statSync(file).mode & 0o777;
const modeOrNull = (file: string) => {
  const stats = statSync(file, { throwIfNoEntry: false });
  return stats === undefined ? null : stats.mode & 0o777;
};
/** The server's log lines (pino JSON on stdout) whose message matches. */
const logged = (pattern: RegExp) =>
  server.lines
    .map((line) => (line as unknown as { msg?: unknown }).msg)
    .filter((message): message is string => typeof message === "string" && pattern.test(message));

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "kabar-security-first-run-"));
  sessionsDir = path.join(dir, "wa_sessions");
  databaseFile = path.join(dir, "kabar.db");
  // As an older install (or a careless copy) left them: readable by everyone.
  mkdirSync(sessionsDir, { mode: 0o755 });
  chmodSync(sessionsDir, 0o755);
  closeSync(openSync(databaseFile, "w", 0o644));
  chmodSync(databaseFile, 0o644);
  simulator = await startSimulator({ port: 0 });
  server = await startServerProcess({
    databaseUrl: `file:${databaseFile}`,
    sessionsDir,
    whatsappWsUrl: simulator.wsUrl,
    env: { TRUST_PROXY: "1", TEST_LOG_LEVEL: "warn" },
  });
  db = createDatabase(`file:${databaseFile}`);
});

afterAll(async () => {
  await server?.stop();
  await db?.$disconnect();
  await simulator?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("10. credentials and database are private", () => {
  it("tightens an open wa_sessions/ and database file at start, with a warning", async () => {
    // the warnings are log lines on the child's stdout: wait until the last one has been read
    const isDatabaseWarning = (line: unknown) =>
      /kabar\.db was 0644/.test(String((line as { msg?: unknown }).msg ?? ""));
    await server.waitForLine(isDatabaseWarning, 10_000, true);
    expect(modeOf(sessionsDir)).toBe(0o700);
    expect(modeOf(databaseFile)).toBe(0o600);
    expect(logged(/wa_sessions was 0755, other users could read it: now 0700/)).toHaveLength(1);
    expect(logged(/kabar\.db was 0644, other users could read it: now 0600/)).toHaveLength(1);
  });

  it("writes the linked device's credentials 0600 in 0700 folders", async () => {
    await linkOverRest(server, simulator, "rahasia");
    const folder = path.join(sessionsDir, "rahasia");
    expect(modeOf(folder)).toBe(0o700);
    const files = readdirSync(folder);
    expect(files).toContain("creds.json");
    // The linked socket is still writing: a temp file listed may have been renamed into place since.
    const modes = files.flatMap((file) => {
      const mode = modeOrNull(path.join(folder, file));
      return mode === null ? [] : [{ file, mode }];
    });
    expect(modes.map(({ file }) => file)).toContain("creds.json");
    expect(modes).toEqual(modes.map(({ file }) => ({ file, mode: 0o600 })));
    for (const suffix of ["", "-wal"]) expect(modeOf(`${databaseFile}${suffix}`)).toBe(0o600);
  });
});

describe("9. first-run setup", () => {
  const fromAfar = { "x-forwarded-for": "203.0.113.9" };
  const setup = (body: Record<string, string>, headers: Record<string, string>) =>
    callApi(server.url, "POST", "/trpc/auth.setup", { headers, body });

  it("is refused from another machine without the one-time token printed at start", async () => {
    const printed = logged(/one-time setup token: /);
    expect(printed).toHaveLength(1);
    const noToken = await setup({ password: "remote-admin-password" }, fromAfar);
    expect(noToken.status).toBe(403);
    expect(noToken.text).toContain("setupToken");
    const wrong = await setup({ password: "remote-admin-password", setupToken: "guess" }, fromAfar);
    expect(wrong.status).toBe(401);
    expect(await db.adminUser.count()).toBe(0);
  });

  it("makes one admin out of 8 concurrent setups; the others get 409", async () => {
    const setupToken =
      /one-time setup token: (\S+)/.exec(logged(/one-time setup token: /)[0] ?? "")?.[1] ?? "";
    expect(setupToken).not.toBe("");
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        index % 2 === 0
          ? setup({ password: `loopback-password-${index}` }, {})
          : setup({ password: `remote-password-${index}`, setupToken }, fromAfar),
      ),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
    expect(await db.adminUser.count()).toBe(1);
  });
});
