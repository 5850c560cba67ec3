/** Issue 14: tokens made before scopes existed become `send`; a new database starts private. */
import fs from "node:fs";
import path from "node:path";
import { createClient } from "@libsql/client";
import { afterEach, beforeEach, expect, it } from "vitest";
import { migrateDatabase } from "../src/index.js";
import { readMigrationFiles } from "../src/migration-files.js";
import { migrationsDir } from "../src/paths.js";
import { createTempWorkspace, type TempWorkspace } from "./temp-workspace.js";

let workspace: TempWorkspace;
beforeEach(() => {
  workspace = createTempWorkspace();
});
afterEach(() => workspace.remove());

it("gives every existing API token the scope send", async () => {
  const files = readMigrationFiles(migrationsDir);
  const scopes = files.findIndex((file) => file.name === "20261202120000_token_scopes");
  expect(scopes).toBeGreaterThan(0);
  const client = createClient({ url: workspace.databaseUrl });
  try {
    for (const file of files.slice(0, scopes)) await client.executeMultiple(file.sql);
    await client.execute(
      `INSERT INTO "ApiToken" ("id", "name", "prefix", "tokenHash") VALUES ('t1', 'registration app', 'kabar_abc123', 'hash1')`,
    );
    await client.executeMultiple(files[scopes]?.sql ?? "");
    const rows = await client.execute(`SELECT "id", "name", "scope" FROM "ApiToken"`);
    expect(rows.rows.map((row) => ({ ...row }))).toEqual([
      { id: "t1", name: "registration app", scope: "send" },
    ]);
  } finally {
    client.close();
  }
});

it("creates a new database file 0600 in a 0700 folder", async () => {
  const folder = path.join(workspace.dir, "data");
  const url = `file:${path.join(folder, "kabar.db")}`;
  await migrateDatabase(url);
  expect(fs.statSync(folder).mode & 0o777).toBe(0o700);
  expect(fs.statSync(path.join(folder, "kabar.db")).mode & 0o777).toBe(0o600);
});
