/**
 * The root README's `seed-example` blocks, run exactly as they stand there: the seed document's
 * commands must work as written (or do what the README's table says), not only our rewrites of them.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDatabase } from "@kabar/db";
import { startSimulator, type WhatsAppSimulator } from "@kabar/whatsapp-simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChildOutbox, startChildOutbox } from "../src/child-outbox.js";

const packageDir = path.resolve(import.meta.dirname, "..");
const repoRoot = path.resolve(packageDir, "..", "..");
const readme = fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");

function example(name: string): string {
  const match = new RegExp(`<!-- seed-example: ${name} -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\\n\`\`\``).exec(
    readme,
  );
  if (!match?.[1]) throw new Error(`README.md has no seed-example block named ${name}`);
  return match[1];
}

interface Run {
  code: number;
  output: string;
}

function run(file: string, args: string[], cwd: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd, env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env }, timeout: 90_000 },
      (error, stdout, stderr) => {
        resolve({
          code: error ? (typeof error.code === "number" ? error.code : 1) : 0,
          output: `${stdout}${stderr}`,
        });
      },
    );
  });
}

const temps: string[] = [];
function tempDir(parent = os.tmpdir()): string {
  const dir = fs.mkdtempSync(path.join(parent, "kabar-seed-example-"));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the seed's examples, as the README writes them", () => {
  it("npx prisma migrate dev migrates a fresh database, and on a migrated one keeps every row", {
    timeout: 180_000,
  }, async () => {
    const databaseFile = path.join(tempDir(), "kabar.db");
    const env = { DATABASE_URL: `file:${databaseFile}` };
    const first = await run("bash", ["-c", example("migrate")], repoRoot, env);
    expect(first.output).toContain("applies the committed migrations instead");
    expect(first.output).not.toContain("no such table");
    expect(first.code).toBe(0);

    const database = createDatabase(env.DATABASE_URL);
    const ids = async () =>
      (await database.whatsAppSession.findMany({ select: { id: true } })).map((row) => row.id);
    try {
      await database.whatsAppSession.create({
        data: { id: "kept", name: "Kept", sessionId: "kept_session" },
        select: { id: true },
      });
      const again = await run("bash", ["-c", example("migrate")], repoRoot, env);
      expect(again.output).toContain("The database is up to date");
      // Prisma's own answer here is "We need to reset the SQLite database … All data will be lost."
      expect(again.output).not.toMatch(/need to reset|data will be lost/i);
      expect(again.code).toBe(0);
      expect(await ids()).toEqual(["kept"]);

      // Prisma's own reset would delete it all: refused, nothing changed.
      const reset = await run("bash", ["-c", "npx prisma migrate reset --force"], repoRoot, env);
      expect(reset.code).toBe(1);
      expect(reset.output).toContain("`prisma migrate reset` is refused");
      expect(await ids()).toEqual(["kept"]);
    } finally {
      await database.$disconnect();
    }
  });

  describe("against the simulator", () => {
    let simulator: WhatsAppSimulator;
    beforeAll(async () => {
      simulator = await startSimulator({ port: 0 });
    });
    afterAll(async () => {
      await simulator?.close();
    });

    it("isSessionConnected is a boolean a seed-style `if` can test", { timeout: 120_000 }, async () => {
      // Under node_modules so "@kabar/core" resolves as it does for a script in this workspace.
      const dir = tempDir(path.join(packageDir, "node_modules"));
      const script = path.join(dir, "check.mts");
      fs.writeFileSync(script, example("is-session-connected"));
      const result = await run(process.execPath, ["--import", "tsx", script], packageDir, {
        DATABASE_URL: `file:${path.join(dir, "kabar.db")}`,
        WA_SESSIONS_DIR: path.join(dir, "wa_sessions"),
        WHATSAPP_WS_URL: simulator.wsUrl,
      });
      expect(result.output.trim()).toBe("customer_support: not connected; link it in the panel");
      expect(result.code).toBe(0);
    });
  });

  describe("against a running server", () => {
    let harness: ChildOutbox;
    beforeAll(async () => {
      harness = await startChildOutbox();
    }, 120_000);
    afterAll(async () => {
      await harness?.close();
    });

    it('POST with "+6285117132297" creates the session; DELETE ?id=<sessionId> is refused with its message', {
      timeout: 60_000,
    }, async () => {
      const result = await run("bash", ["-c", example("create-and-delete-session")], repoRoot, {
        KABAR_URL: harness.server.url,
        KABAR_API_TOKEN: harness.server.token,
      });
      expect(result.code).toBe(0);
      expect(result.output).toContain('"sessionId":"customer_support"');
      expect(result.output).toContain('"phoneNumber":"6285117132297"');
      expect(result.output).toContain('"code":"DEFAULT_SESSION_UNDELETABLE"');
      expect(result.output).toContain('\\"Customer Support\\" is the default session and cannot be deleted');
      expect(
        await harness.db().whatsAppSession.findMany({ select: { sessionId: true, phoneNumber: true } }),
      ).toEqual([{ sessionId: "customer_support", phoneNumber: "6285117132297" }]);
    });
  });
});
