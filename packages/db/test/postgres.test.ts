import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { createClient } from "@libsql/client";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDatabase,
  DatabaseUrlError,
  isOneSessionViolation,
  MigrationError,
  migrateDatabase,
  resolveDatabaseUrl,
} from "../src/index.js";
import { readMigrationFiles } from "../src/migration-files.js";
import { postgresMigrationsDir, repoRoot } from "../src/paths.js";
import { derivePostgresSchema } from "../src/postgres-schema.js";
import { type PostgresServer, startPostgres } from "../src/testing/postgres-server.js";
import { createTempWorkspace } from "./temp-workspace.js";

const run = promisify(execFile);
let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.stop());

async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** Tables → sorted "column nullable" lines, and index names: what both engines must agree on. */
async function postgresShape(url: string) {
  const columns = await query<{ table_name: string; column_name: string; is_nullable: string }>(
    url,
    `SELECT table_name, column_name, is_nullable FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
  );
  const indexes = await query<{ indexname: string }>(
    url,
    `SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%_pkey' AND tablename <> '_prisma_migrations'`,
  );
  return shape(
    columns.map((row) => [row.table_name, row.column_name, row.is_nullable === "YES"] as const),
    indexes.map((row) => row.indexname),
  );
}

async function sqliteShape(url: string) {
  const client = createClient({ url });
  try {
    const tables = await client.execute(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations'`,
    );
    const columns: (readonly [string, string, boolean])[] = [];
    for (const { name } of tables.rows) {
      const info = await client.execute(`PRAGMA table_info("${String(name)}")`);
      for (const column of info.rows)
        columns.push([
          String(name),
          String(column.name),
          Number(column.notnull) === 0 && Number(column.pk) === 0,
        ]);
    }
    const indexes = await client.execute(
      `SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'`,
    );
    return shape(
      columns,
      indexes.rows.map((row) => String(row.name)),
    );
  } finally {
    client.close();
  }
}

function shape(columns: readonly (readonly [string, string, boolean])[], indexes: string[]) {
  const tables: Record<string, string[]> = {};
  for (const [table, column, nullable] of columns) {
    tables[table] = [...(tables[table] ?? []), `${column}${nullable ? "?" : ""}`];
  }
  for (const list of Object.values(tables)) list.sort();
  return { tables, indexes: indexes.sort() };
}

describe("PostgreSQL", () => {
  it("keeps prisma/postgresql/schema.prisma derived from prisma/schema.prisma (run pnpm db:postgres-schema)", () => {
    const sqlite = fs.readFileSync(path.join(repoRoot, "prisma", "schema.prisma"), "utf8");
    const postgres = fs.readFileSync(path.join(repoRoot, "prisma", "postgresql", "schema.prisma"), "utf8");
    expect(postgres).toBe(derivePostgresSchema(sqlite));
  });

  it("migrates to the same tables, columns and indexes as SQLite's migrations, and as the schema says", async () => {
    const migrated = await server.createDatabase();
    const result = await migrateDatabase(migrated);
    expect(result.applied).toEqual(readMigrationFiles(postgresMigrationsDir).map((file) => file.name));

    // the schema as Prisma would create it from nothing
    const fromSchema = await server.createDatabase();
    const { stdout } = await run(
      "pnpm",
      [
        "exec",
        "prisma",
        "migrate",
        "diff",
        "--config",
        "packages/db/prisma-postgres.config.ts",
        "--from-empty",
        "--to-schema-datamodel",
        "prisma/postgresql/schema.prisma",
        "--script",
      ],
      { cwd: repoRoot, env: { ...process.env, DATABASE_URL: fromSchema } },
    );
    await query(fromSchema, stdout);

    const workspace = createTempWorkspace();
    try {
      await migrateDatabase(workspace.databaseUrl);
      const postgres = await postgresShape(migrated);
      expect(postgres).toEqual(await postgresShape(fromSchema));
      expect(postgres).toEqual(await sqliteShape(workspace.databaseUrl));
    } finally {
      workspace.remove();
    }
  }, 60_000);

  it("lets nodes starting together migrate once, and records it like prisma migrate deploy", async () => {
    const url = await server.createDatabase();
    const results = await Promise.all([migrateDatabase(url), migrateDatabase(url), migrateDatabase(url)]);
    const all = readMigrationFiles(postgresMigrationsDir).map((file) => file.name);
    expect(results.map((result) => result.applied).sort()).toEqual([[], [], all]);
    const records = await query<{ migration_name: string; checksum: string }>(
      url,
      `SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(records).toEqual(
      readMigrationFiles(postgresMigrationsDir).map((file) => ({
        migration_name: file.name,
        checksum: file.checksum,
      })),
    );
  });

  it("refuses a second WhatsApp session in the database, like SQLite's trigger", async () => {
    const url = await server.createDatabase();
    await migrateDatabase(url);
    const db = createDatabase(url);
    try {
      await db.whatsAppSession.create({ data: { name: "Utama", sessionId: "utama" } });
      const second = await db.whatsAppSession
        .create({ data: { name: "Dua", sessionId: "dua" } })
        .catch((error: unknown) => error);
      expect(isOneSessionViolation(second)).toBe(true);
      expect(await db.whatsAppSession.count()).toBe(1);
    } finally {
      await db.$disconnect();
    }
  });

  it("accepts a postgresql:// DATABASE_URL as is and names what is wrong with a bad one, without its password", async () => {
    expect(resolveDatabaseUrl({ DATABASE_URL: "postgresql://kabar:s3cret@db.internal:5432/kabar" })).toBe(
      "postgresql://kabar:s3cret@db.internal:5432/kabar",
    );
    const bad = (() => {
      try {
        return resolveDatabaseUrl({ DATABASE_URL: "postgresql://kabar:s3cret@db.internal:5432/" });
      } catch (error) {
        return error;
      }
    })();
    expect(bad).toBeInstanceOf(DatabaseUrlError);
    expect(String(bad)).toContain("names no host or no database");
    expect(String(bad)).not.toContain("s3cret");
  });

  it("fails start-up with one line naming the database when PostgreSQL cannot be reached", async () => {
    const error = await migrateDatabase(
      `postgresql://kabar:s3cret@127.0.0.1:${server.port + 1}/nowhere`,
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationError);
    expect(String(error)).toMatch(/cannot reach the database postgresql:\/\/kabar:\*\*\*@127\.0\.0\.1/);
    expect(String(error)).not.toContain("s3cret");
  });
});
