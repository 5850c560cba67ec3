import { afterEach, describe, expect, it } from "vitest";
import { createDatabase, databaseEngine, type PrismaClient, sqlDialect } from "../src/index.js";
import { createTempWorkspace, type TempWorkspace } from "./temp-workspace.js";

describe("the SQL dialect a client carries", () => {
  let workspace: TempWorkspace | undefined;
  const clients: PrismaClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.$disconnect();
    workspace?.remove();
  });

  it("is chosen from the URL: SQLite's statements go through as written", () => {
    workspace = createTempWorkspace();
    const db = createDatabase(workspace.databaseUrl);
    clients.push(db);
    const statement = `UPDATE "OutboxMessage" SET "status" = ? WHERE "id" = ?`;
    expect(databaseEngine(db)).toBe("sqlite");
    expect(sqlDialect(db).sql(statement)).toBe(statement);
  });

  it("numbers PostgreSQL's placeholders, leaving a ? inside quotes alone", () => {
    // no connection is opened until a query runs
    const db = createDatabase("postgresql://nobody@127.0.0.1:1/kabar");
    clients.push(db);
    expect(databaseEngine(db)).toBe("postgresql");
    expect(sqlDialect(db).sql(`SELECT ?, '?', 'it''s ?', "odd?name", ?`)).toBe(
      `SELECT $1, '?', 'it''s ?', "odd?name", $2`,
    );
  });

  it("stays with a client wrapped by $extends or a Proxy", () => {
    const db = createDatabase("postgresql://nobody@127.0.0.1:1/kabar");
    clients.push(db);
    const extended = db.$extends({}) as unknown as PrismaClient;
    expect(databaseEngine(extended)).toBe("postgresql");
    expect(databaseEngine(new Proxy(db, {}))).toBe("postgresql");
  });
});
