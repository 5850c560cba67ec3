import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDatabase, isOneSessionViolation, migrateDatabase } from "../src/index.js";
import { createTempWorkspace, type TempWorkspace } from "./temp-workspace.js";

let workspace: TempWorkspace;
beforeEach(() => {
  workspace = createTempWorkspace();
});
afterEach(() => workspace.remove());

describe("the one-session rule", () => {
  it("leaves exactly one row after 50 concurrent creations on separate connections", async () => {
    await migrateDatabase(workspace.databaseUrl);
    const clients = Array.from({ length: 50 }, () => createDatabase(workspace.databaseUrl));
    try {
      const results = await Promise.allSettled(
        clients.map((database, index) =>
          database.whatsAppSession.create({
            data: { name: `Session ${index}`, sessionId: `session_${index}` },
            select: { id: true },
          }),
        ),
      );
      const rejected = results.flatMap((result) => (result.status === "rejected" ? [result.reason] : []));
      expect(results.length - rejected.length).toBe(1);
      // refused by the trigger, not by a lock timeout
      expect(rejected.every(isOneSessionViolation)).toBe(true);
      expect(await clients[0]?.whatsAppSession.count()).toBe(1);
    } finally {
      await Promise.all(clients.map((database) => database.$disconnect()));
    }
  });

  it("refuses a second session even after the first was created and read back", async () => {
    await migrateDatabase(workspace.databaseUrl);
    const database = createDatabase(workspace.databaseUrl);
    try {
      await database.whatsAppSession.create({
        data: { name: "First", sessionId: "first" },
        select: { id: true },
      });
      const second = database.whatsAppSession.create({ data: { name: "Second", sessionId: "second" } });
      await expect(second).rejects.toSatisfy(isOneSessionViolation);
      // deleting the one session makes room again: the rule is "at most one", not "never replace"
      await database.whatsAppSession.deleteMany({});
      await database.whatsAppSession.create({
        data: { name: "Second", sessionId: "second" },
        select: { id: true },
      });
      expect(await database.whatsAppSession.count()).toBe(1);
    } finally {
      await database.$disconnect();
    }
  });
});
