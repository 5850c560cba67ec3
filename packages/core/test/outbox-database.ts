/**
 * A fresh SQLite database per test: its own temp folder, migrated, removed afterwards.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDatabase, migrateDatabase, type PrismaClient } from "@kabar/db";

export interface TestDatabase {
  db: PrismaClient;
  url: string;
  dir: string;
  close(): Promise<void>;
}

export async function createTestDatabase(prefix = "kabar-outbox-"): Promise<TestDatabase> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  const url = `file:${path.join(dir, "kabar.db")}`;
  await migrateDatabase(url);
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
