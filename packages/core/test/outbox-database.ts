/**
 * A fresh SQLite database per test: its own temp folder, removed afterwards. Migrating takes a
 * few hundred milliseconds, so each test process migrates one template and copies the file.
 */
import { rmSync } from "node:fs";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { createDatabase, migrateDatabase, type PrismaClient } from "@kabar/db";

export interface TestDatabase {
  db: PrismaClient;
  url: string;
  dir: string;
  close(): Promise<void>;
}

let template: Promise<string> | null = null;
const templateDirs: string[] = [];

// Registered at import, so it runs after the importing test file; vitest may end its workers
// without an "exit" event.
afterAll(() => {
  for (const dir of templateDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  template = null;
});

async function migratedTemplate(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "kabar-template-"));
  const file = path.join(dir, "template.db");
  await migrateDatabase(`file:${file}`);
  // The database runs in WAL mode: fold the log into the file so a plain copy is complete.
  const db = createDatabase(`file:${file}`);
  await db.$queryRawUnsafe("PRAGMA wal_checkpoint(TRUNCATE)");
  await db.$disconnect();
  templateDirs.push(dir);
  return file;
}

export async function createTestDatabase(prefix = "kabar-outbox-"): Promise<TestDatabase> {
  template ??= migratedTemplate();
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  const file = path.join(dir, "kabar.db");
  await copyFile(await template, file);
  const url = `file:${file}`;
  const db = createDatabase(url);
  return {
    db,
    url,
    dir,
    async close() {
      await db.$disconnect();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
