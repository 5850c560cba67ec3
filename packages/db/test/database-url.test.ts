import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDatabase, DatabaseUrlError, migrateDatabase, resolveDatabaseUrl } from "../src/index.js";
import { repoRoot } from "../src/paths.js";
import { createTempWorkspace, runScript, type TempWorkspace } from "./temp-workspace.js";

let workspace: TempWorkspace;
beforeEach(() => {
  workspace = createTempWorkspace();
});
afterEach(() => workspace.remove());

function problemOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(DatabaseUrlError);
    return error instanceof Error ? error.message : "";
  }
  throw new Error("expected a DatabaseUrlError");
}

describe("resolveDatabaseUrl", () => {
  it("defaults to data/kabar.db in the repo and resolves relative paths against the repo root", () => {
    expect(resolveDatabaseUrl({})).toBe(`file:${path.join(repoRoot, "data", "kabar.db")}`);
    expect(resolveDatabaseUrl({ DATABASE_URL: "file:./elsewhere/k.db" })).toBe(
      `file:${path.join(repoRoot, "elsewhere", "k.db")}`,
    );
    expect(resolveDatabaseUrl({ DATABASE_URL: "file:///tmp/k.db" })).toBe("file:/tmp/k.db");
    // libsql decodes %-escapes once: a literal "%" must stay escaped
    expect(resolveDatabaseUrl({ DATABASE_URL: "file:/tmp/100%25 sure/k.db" })).toBe(
      "file:/tmp/100%25 sure/k.db",
    );
  });

  it("names the problem and the fix in one line for a URL that is not a local file", () => {
    for (const url of [
      "mysql://db:3306/kabar",
      "kabar.db",
      "file::memory:",
      "file://server/k.db",
      "file:/tmp/%zz.db",
    ]) {
      const message = problemOf(() => resolveDatabaseUrl({ DATABASE_URL: url }));
      expect(message).toContain(`DATABASE_URL "${url}"`);
      expect(message).toContain("e.g. file:./data/kabar.db");
      expect(message).not.toContain("\n");
    }
  });
});

describe("an unusable database file", () => {
  it("refuses a folder that cannot exist because a file is in the way", () => {
    fs.writeFileSync(path.join(workspace.dir, "notes.txt"), "hello");
    const url = `file:${path.join(workspace.dir, "notes.txt", "kabar.db")}`;
    expect(problemOf(() => createDatabase(url))).toMatch(/folder .*notes\.txt cannot be created/);
  });

  it("refuses a folder that is not writable", () => {
    const isRoot = process.getuid?.() === 0;
    // root may write anywhere on a normal file system, but not into /proc
    const folder = isRoot ? "/proc" : path.join(workspace.dir, "locked");
    if (!isRoot) fs.mkdirSync(folder, { mode: 0o500 });
    const url = `file:${path.join(folder, "kabar.db")}`;
    expect(problemOf(() => createDatabase(url))).toBe(
      `DATABASE_URL "${url}": folder ${folder} is not writable — point DATABASE_URL at a writable SQLite file, e.g. file:./data/kabar.db`,
    );
  });

  it("refuses a file that is not an SQLite database, before touching it", async () => {
    fs.writeFileSync(workspace.databaseFile, "name,phone\nAdi,628123\n");
    await expect(migrateDatabase(workspace.databaseUrl)).rejects.toThrow(
      `DATABASE_URL "${workspace.databaseUrl}": ${workspace.databaseFile} is not an SQLite database — point DATABASE_URL at a new or existing SQLite file, e.g. file:./data/kabar.db`,
    );
    expect(fs.readFileSync(workspace.databaseFile, "utf8")).toBe("name,phone\nAdi,628123\n");
  });

  it("makes a script print one line and exit 1, without a stack trace", async () => {
    const run = await runScript("migrate", { DATABASE_URL: "mysql://localhost/kabar" });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toEqual([
      `Error: DATABASE_URL "mysql://localhost/kabar": "mysql:" is not supported, Kabar stores its data in an SQLite file (file:) or in PostgreSQL (postgresql://) — point DATABASE_URL at a writable SQLite file, e.g. file:./data/kabar.db, or at PostgreSQL, e.g. postgresql://user@host:5432/kabar`,
    ]);
  });
});
