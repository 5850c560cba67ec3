import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createClient } from "@libsql/client";
import { afterEach, beforeEach, expect, it } from "vitest";
import { openConnection } from "../src/connection.js";
import { createDatabase, directStatements, migrateDatabase } from "../src/index.js";

let dir: string;
let url: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "kabar-connection-"));
  url = `file:${path.join(dir, "kabar.db")}`;
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function countRows(table: string): Promise<number> {
  const client = createClient({ url });
  try {
    const result = await client.execute(`SELECT count(*) AS n FROM ${table}`);
    return Number(result.rows[0]?.n);
  } finally {
    client.close();
  }
}

it("waits for another connection's write lock without blocking the event loop, and commits after it", async () => {
  const holder = openConnection(url);
  await holder.execute("CREATE TABLE t (x INTEGER)");
  const transaction = await holder.transaction("write");
  await transaction.execute("INSERT INTO t VALUES (1)");

  const writer = openConnection(url);
  let ticks = 0;
  const ticking = setInterval(() => {
    ticks += 1;
  }, 10);
  const waiting = writer.execute("INSERT INTO t VALUES (2)");
  // released by a timer, which only fires if the waiting writer leaves the event loop free
  await new Promise((resolve) => setTimeout(resolve, 300));
  await transaction.commit();
  await waiting;
  clearInterval(ticking);
  expect(ticks).toBeGreaterThan(5);

  // the write that met SQLITE_BUSY first is committed and holds no lock: others can write at once
  await holder.execute("INSERT INTO t VALUES (3)");
  expect(await countRows("t")).toBe(3);
  holder.close();
  writer.close();
});

it("keeps its lock on the file when the database is prepared again, so another process's exit leaves the WAL alone", async () => {
  await migrateDatabase(url);
  const db = createDatabase(url);
  await db.setting.create({ data: { key: "before", value: "1" } });
  // Another process opens the file and closes it. Had this process lost its SQLite lock, that process
  // would take itself for the last user, checkpoint and delete the WAL that this one still writes to.
  execFileSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import { createClient } from "@libsql/client"; const c = createClient({ url: ${JSON.stringify(url)} }); await c.execute("SELECT count(*) FROM Setting"); c.close();`,
    ],
    { cwd: path.join(import.meta.dirname, "..") },
  );
  expect(fs.existsSync(`${path.join(dir, "kabar.db")}-wal`)).toBe(true);
  await db.setting.create({ data: { key: "after", value: "2" } });
  expect(await db.$queryRawUnsafe("PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }]);
  await db.$disconnect();
  expect(await countRows("Setting")).toBeGreaterThanOrEqual(2);
});

it("runs transactions on its own connection, so none is left behind for the garbage collector", async () => {
  const client = openConnection(url);
  // a temp table lives on one connection only: seeing it proves the connection is the same
  await client.execute("CREATE TEMP TABLE marker (x INTEGER)");
  for (let round = 0; round < 3; round += 1) {
    const transaction = await client.transaction("write");
    await transaction.execute("INSERT INTO temp.marker VALUES (1)");
    await transaction.commit();
  }
  const rows = await client.execute("SELECT count(*) AS n FROM temp.marker");
  expect(Number(rows.rows[0]?.n)).toBe(3);
  client.close();
});

it("holds other statements until its open transaction ends, so a rollback undoes only the transaction", async () => {
  const client = openConnection(url);
  await client.execute("CREATE TABLE t (x INTEGER)");
  const transaction = await client.transaction("write");
  await transaction.execute("INSERT INTO t VALUES (1)");
  let isOutsideDone = false;
  const outside = client.execute("INSERT INTO t VALUES (2)").then(() => {
    isOutsideDone = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  expect(isOutsideDone).toBe(false);
  await transaction.rollback();
  await outside;
  const rows = await client.execute("SELECT x FROM t");
  expect(rows.rows.map((row) => Number(row.x))).toEqual([2]);
  client.close();
});

it.each([
  [
    "a client statement",
    (client: ReturnType<typeof openConnection>, round: number) =>
      client.execute(`INSERT INTO t VALUES (${round})`),
  ],
  [
    "a direct statement",
    (client: ReturnType<typeof openConnection>, round: number) =>
      client.run("INSERT INTO t VALUES (?)", [round]),
  ],
])("never runs %s inside a transaction that began after the statement was asked for", async (_, insert) => {
  const client = openConnection(url);
  await client.execute("CREATE TABLE t (x INTEGER)");
  for (let round = 0; round < 20; round += 1) {
    // both in one step: the transaction's BEGIN and the statement race for the connection
    const opening = client.transaction("write");
    const outside = insert(client, round);
    const transaction = await opening;
    await transaction.execute("INSERT INTO t VALUES (-1)");
    await transaction.rollback();
    await outside;
  }
  const rows = await client.execute("SELECT x FROM t ORDER BY x");
  // every statement outside the transactions kept; nothing of the rolled-back transactions
  expect(rows.rows.map((row) => Number(row.x))).toEqual(Array.from({ length: 20 }, (_, round) => round));
  client.close();
});

it("runs direct statements beside Prisma's transactions on one connection without joining them", async () => {
  await migrateDatabase(url);
  const db = createDatabase(url);
  try {
    const direct = directStatements(db);
    await db.$queryRawUnsafe("SELECT 1"); // Prisma opens its connection, which the direct statements share
    const insert = `INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES (?, ?, ?)`;
    const failing = db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(insert, "inside", "1", new Date().toISOString());
      // a direct statement asked for while the transaction is open must wait for its end
      const written = direct.execute(insert, "outside", "2", new Date().toISOString());
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw Object.assign(new Error("rolled back"), { written });
    });
    const error = await failing.catch((caught: Error & { written: Promise<number> }) => caught);
    expect(await (error as { written: Promise<number> }).written).toBe(1);
    const rows = await direct.query<{ key: string; value: string }>(`SELECT "key", "value" FROM "Setting"`);
    expect(rows).toEqual([{ key: "outside", value: "2" }]);
  } finally {
    await db.$disconnect();
  }
});

it("keeps a direct statement prepared, through a failed run and a script that took the connection", async () => {
  const client = openConnection(url);
  await client.execute("CREATE TABLE t (seq INTEGER PRIMARY KEY AUTOINCREMENT, k TEXT UNIQUE, n INTEGER)");
  const insert = "INSERT INTO t (k, n) VALUES (?, ?) RETURNING seq, k, n";
  // rows as plain objects by column name, integers as numbers
  expect((await client.run(insert, ["a", 1])).rows).toEqual([{ seq: 1, k: "a", n: 1 }]);
  await expect(client.run(insert, ["a", 2])).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT_UNIQUE" });
  expect((await client.run(insert, ["b", 2])).rows).toEqual([{ seq: 2, k: "b", n: 2 }]);
  // a migration's script transaction takes the connection away; the next run uses a new one
  const script = await client.scriptTransaction();
  await script.executeMultiple("INSERT INTO t (k, n) VALUES ('c', 3); INSERT INTO t (k, n) VALUES ('d', 4);");
  await script.commit();
  expect((await client.run(insert, ["e", 5])).rows).toEqual([{ seq: 5, k: "e", n: 5 }]);
  expect(await client.run("UPDATE t SET n = n + ? WHERE n > ?", [10, 2])).toEqual({ rows: [], changes: 3 });
  client.close();
  expect(await countRows("t")).toBe(5);
});
