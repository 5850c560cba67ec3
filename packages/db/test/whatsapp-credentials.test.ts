/**
 * `pnpm whatsapp:credentials -- --to database|folder`: the folder's files into the table and back,
 * byte for byte, and every refusal (server running, target not empty, bad arguments, SQLite).
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDatabase, migrateDatabase, type PrismaClient } from "../src/index.js";
import { parseMoveArguments } from "../src/whatsapp-credentials/move-credentials.js";
import { type PostgresServer, startPostgres, writeLease } from "../src/testing/postgres-server.js";
import { createTempWorkspace, runScript, type TempWorkspace } from "./temp-workspace.js";

const SESSION_ID = "main_number";
/** A linked folder as Baileys writes it: names after its `/`→`__` and `:`→`-` replacements, JSON with Buffers. */
const LINKED_FILES: Record<string, string> = {
  "creds.json": JSON.stringify({
    noiseKey: { private: { type: "Buffer", data: "c2VjcmV0LW5vaXNl" } },
    me: { id: "6281234567890:12@s.whatsapp.net", name: "Panitia Lari – Jakarta ✓" },
    registered: true,
  }),
  "pre-key-1.json": '{"public":{"type":"Buffer","data":"cHVi"},"private":{"type":"Buffer","data":"cHJp"}}',
  "session-6281234567890.0.json": '{"_sessions":{}}',
  "app-state-sync-key-AAAAAKfX.json": '{"keyData":"a2V5"}',
  "sender-key-memory-120363000000000000@g.us.json": '{"6281234567890-12@s.whatsapp.net":true}',
};

let postgres: PostgresServer;
let workspace: TempWorkspace;
let databaseUrl: string;
let db: PrismaClient;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(() => postgres?.stop());
beforeEach(async () => {
  workspace = createTempWorkspace();
  databaseUrl = await postgres.createDatabase();
  await migrateDatabase(databaseUrl);
  db = createDatabase(databaseUrl);
  await db.whatsAppSession.create({
    data: { name: "Main Number", sessionId: SESSION_ID },
    select: { id: true },
  });
});
afterEach(async () => {
  await db.$disconnect();
  workspace.remove();
});

const move = (...args: string[]) =>
  runScript(
    "whatsapp-credentials",
    { DATABASE_URL: databaseUrl, WA_SESSIONS_DIR: workspace.sessionsDir },
    args,
  );

function writeFolder(folder: string, files: Record<string, string>): void {
  fs.mkdirSync(folder, { recursive: true });
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(folder, name), content);
}

function readFolder(folder: string): Record<string, string> {
  return Object.fromEntries(
    fs.readdirSync(folder).map((name) => [name, fs.readFileSync(path.join(folder, name), "utf8")]),
  );
}

// each run starts tsx and Prisma in a child process: seconds apiece on a machine shared with other work
describe("pnpm whatsapp:credentials", { timeout: 120_000 }, () => {
  it("round-trips a linked folder: folder → database → folder gives identical files, the sources stay", async () => {
    const folder = path.join(workspace.sessionsDir, SESSION_ID);
    writeFolder(folder, { ...LINKED_FILES, "creds.json.1a2b3c4d.tmp": "torn" });

    const toDatabase = await move("--", "--to", "database");
    expect(toDatabase.stderr).toBe("");
    expect(toDatabase.code).toBe(0);
    expect(toDatabase.stdout).toContain(
      `Copied 5 credential files from ${folder} to the database (session ${SESSION_ID})`,
    );
    expect(toDatabase.stdout).toContain("The source is left in place");
    // no credential content in what the command prints
    expect(toDatabase.stdout).not.toContain("c2VjcmV0LW5vaXNl");
    const rows = await db.whatsAppCredential.findMany({
      where: { sessionId: SESSION_ID },
      select: { name: true, content: true },
    });
    expect(Object.fromEntries(rows.map((row) => [row.name, row.content]))).toEqual(LINKED_FILES);
    expect(fs.existsSync(path.join(folder, "creds.json"))).toBe(true);

    // the folder is still there: back to it only with --force, which keeps the old folder as a backup
    const refused = await move("--to", "folder");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already holds credentials; add --force/);
    fs.rmSync(folder, { recursive: true });
    const toFolder = await move("--to=folder");
    expect(toFolder.stderr).toBe("");
    expect(toFolder.code).toBe(0);
    expect(readFolder(folder)).toEqual(LINKED_FILES);
    expect(fs.statSync(path.join(folder, "creds.json")).mode & 0o777).toBe(0o600);
    expect(await db.whatsAppCredential.count({ where: { sessionId: SESSION_ID } })).toBe(5);

    const forced = await move("--to", "folder", "--force");
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/Moved what .* held to the backup .*\.backup\/\d{8}T\d{6}Z-main_number/);
    expect(readFolder(folder)).toEqual(LINKED_FILES);
    const [backup] = fs.readdirSync(path.join(workspace.sessionsDir, ".backup"));
    expect(readFolder(path.join(workspace.sessionsDir, ".backup", backup ?? ""))).toEqual(LINKED_FILES);
  });

  it("refuses to copy over credentials already in the database without --force, and backs them up with it", async () => {
    writeFolder(path.join(workspace.sessionsDir, SESSION_ID), LINKED_FILES);
    await db.whatsAppCredential.create({
      data: { sessionId: SESSION_ID, name: "creds.json", content: "{}" },
    });
    const refused = await move("--to", "database");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `the database (session ${SESSION_ID}) already holds credentials; add --force`,
    );
    expect(await db.whatsAppCredential.findMany({ select: { content: true } })).toEqual([{ content: "{}" }]);

    const forced = await move("--to", "database", "--force");
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/to the backup main_number\.backup-/);
    expect(await db.whatsAppCredential.count({ where: { sessionId: SESSION_ID } })).toBe(5);
    expect(
      await db.whatsAppCredential.count({ where: { sessionId: { startsWith: `${SESSION_ID}.backup-` } } }),
    ).toBe(1);
  });

  it("refuses while a server holds the session: a live lease, or a fresh heartbeat", async () => {
    writeFolder(path.join(workspace.sessionsDir, SESSION_ID), LINKED_FILES);
    await writeLease(db, { nodeId: "node-a", token: 3 });
    const leased = await move("--to", "database");
    expect(leased.code).toBe(1);
    expect(leased.stderr).toContain("is in use (node node-a holds its lease) — stop the server");

    await db.sessionLease.deleteMany();
    await db.whatsAppSession.updateMany({ data: { heartbeatAt: new Date() } });
    const running = await move("--to", "database");
    expect(running.code).toBe(1);
    expect(running.stderr).toContain("is in use (a running server holds it)");
    expect(await db.whatsAppCredential.count()).toBe(0);
  });

  it("refuses a source without creds.json, bad arguments, and an SQLite database, changing nothing", async () => {
    const empty = await move("--to", "database");
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain("holds no creds.json: there is no linked device to move");

    const typo = await move("--to", "cloud");
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('--to must be "database" or "folder", not "cloud"');
    expect(typo.stderr).toContain("usage: pnpm whatsapp:credentials -- --to database|folder [--force]");
    expect(() => parseMoveArguments([])).toThrow("--to is required");
    expect(() => parseMoveArguments(["--to", "database", "--yes"])).toThrow('unknown argument "--yes"');
    expect(() => parseMoveArguments(["--to"])).toThrow("--to is required");
    expect(parseMoveArguments(["--", "--force", "--to=folder"])).toEqual({ to: "folder", force: true });

    const sqlite = await runScript(
      "whatsapp-credentials",
      { DATABASE_URL: workspace.databaseUrl, WA_SESSIONS_DIR: workspace.sessionsDir },
      ["--to", "database"],
    );
    expect(sqlite.code).toBe(2);
    expect(sqlite.stderr).toContain("is SQLite; credentials live in the database only on PostgreSQL");
    expect(fs.existsSync(workspace.databaseFile)).toBe(false);
  });
});
