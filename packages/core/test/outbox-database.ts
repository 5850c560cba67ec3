/**
 * A fresh database per test, on SQLite (default) or PostgreSQL: its own temp folder, removed
 * afterwards. Migrating takes a few hundred milliseconds, so each test file migrates one template
 * and copies it: the SQLite file, or a PostgreSQL database (CREATE DATABASE … TEMPLATE) on the one
 * server this test file starts the first time it asks for PostgreSQL.
 */
import { rmSync } from "node:fs";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe } from "vitest";
import { createDatabase, type DatabaseEngine, migrateDatabase, type PrismaClient } from "@kabar/db";
import { type PostgresServer, startPostgres } from "@kabar/db/testing";

export type { DatabaseEngine } from "@kabar/db";

/** The engines the DB-level tests run on. */
export const ENGINES: readonly DatabaseEngine[] = ["sqlite", "postgresql"];

/**
 * `describe` once per engine ("<name> on sqlite", "<name> on postgresql"). The file's PostgreSQL server
 * and template are made before the first test, with time of their own, so no test pays for them.
 */
export function describeOnEachEngine(
  name: string,
  options: { timeout?: number },
  body: (engine: DatabaseEngine) => void,
): void {
  describe.each(ENGINES)(`${name} on %s`, { timeout: 20_000, ...options }, (engine) => {
    beforeAll(() => prepareEngine(engine), 120_000);
    body(engine);
  });
}

export interface TestDatabase {
  db: PrismaClient;
  url: string;
  engine: DatabaseEngine;
  /** A temp folder of this test's own (on PostgreSQL too: media of a harness, uploads). */
  dir: string;
  close(): Promise<void>;
}

let template: Promise<string> | null = null;
const templateDirs: string[] = [];
let postgres: Promise<{ server: PostgresServer; template: string }> | null = null;

// Registered at import, so it runs after the importing test file; vitest may end its workers
// without an "exit" event.
afterAll(async () => {
  for (const dir of templateDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  template = null;
  const started = postgres;
  postgres = null;
  if (started) await (await started).server.stop();
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

async function postgresTemplate(): Promise<{ server: PostgresServer; template: string }> {
  const server = await startPostgres();
  const name = "kabar_template";
  await migrateDatabase(await server.createDatabase(name));
  return { server, template: name };
}

/** Starts this file's PostgreSQL server and migrates its template now (for a beforeAll); nothing for SQLite. */
export async function prepareEngine(engine: DatabaseEngine): Promise<void> {
  if (engine === "postgresql") await postgresServer();
}

function postgresServer(): Promise<{ server: PostgresServer; template: string }> {
  postgres ??= postgresTemplate();
  return postgres;
}

/** A new migrated database's URL: a copy of the template, its SQLite file in `dir`. */
export async function testDatabaseUrl(engine: DatabaseEngine, dir: string): Promise<string> {
  if (engine === "postgresql") {
    const { server, template: name } = await postgresServer();
    return server.createDatabase(undefined, { template: name });
  }
  template ??= migratedTemplate();
  const file = path.join(dir, "kabar.db");
  await copyFile(await template, file);
  return `file:${file}`;
}

export async function createTestDatabase(
  prefix = "kabar-outbox-",
  engine: DatabaseEngine = "sqlite",
): Promise<TestDatabase> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  const url = await testDatabaseUrl(engine, dir);
  const db = createDatabase(url);
  return {
    db,
    url,
    engine,
    dir,
    async close() {
      await db.$disconnect();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
