import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDatabase, migrateDatabase, type PrismaClient } from "../src/index.js";
import { addSampleSession } from "../src/whatsapp-session/add-sample-session.js";
import { describeStatus } from "../src/whatsapp-session/session-status.js";
import {
  createOneSenderDatabase,
  createTempWorkspace,
  runScript,
  scriptEnv,
  type TempWorkspace,
} from "./temp-workspace.js";

// Each script prints the lines its function returns; a child process runs once per script, where the
// exit code and the printed text matter, and the other cases call the function to keep the suite fast.
let workspace: TempWorkspace;
beforeEach(() => {
  workspace = createTempWorkspace();
});
afterEach(() => workspace.remove());

async function withDatabase<T>(use: (database: PrismaClient) => Promise<T>): Promise<T> {
  await migrateDatabase(workspace.databaseUrl);
  const database = createDatabase(workspace.databaseUrl);
  try {
    return await use(database);
  } finally {
    await database.$disconnect();
  }
}

describe("pnpm whatsapp:sample", () => {
  it("adds the sample session, then says which one exists and changes nothing", async () => {
    const first = await runScript("whatsapp-sample", scriptEnv(workspace));
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      `Added the sample WhatsApp session "Default Session" (sessionId default_session), number 6281234567890.`,
    );

    await withDatabase(async (database) => {
      const second = await addSampleSession(database);
      expect(second.isAdded).toBe(false);
      expect(second.lines[0]).toBe(
        `A WhatsApp session already exists: "Default Session" (sessionId default_session). Nothing changed.`,
      );
      expect(
        await database.whatsAppSession.findMany({
          select: { name: true, sessionId: true, phoneNumber: true, isActive: true, isDefault: true },
        }),
      ).toEqual([
        {
          name: "Default Session",
          sessionId: "default_session",
          phoneNumber: "6281234567890",
          isActive: true,
          isDefault: true,
        },
      ]);
    });
  });
});

describe("pnpm whatsapp:status", () => {
  it("without a session, says so and how to add one", async () => {
    const report = await withDatabase((database) => describeStatus(database));
    expect(report.lines).toEqual([
      "No WhatsApp session exists yet.",
      "Add one from the admin panel, or add a sample with pnpm whatsapp:sample.",
    ]);
  });

  it("reports connected while the server's heartbeat is fresh", async () => {
    await withDatabase(async (database) => {
      await addSampleSession(database);
      await database.whatsAppSession.updateMany({
        data: { state: "connected", linkedNumber: "6281234567890", heartbeatAt: new Date() },
      });
    });
    const run = await runScript("whatsapp-status", scriptEnv(workspace));
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n")).toEqual([
      `Session: "Default Session" (sessionId default_session), number 6281234567890`,
      "Connection: connected as 6281234567890",
      "Active session ids: default_session",
    ]);
  });

  it("does not trust a stale connected state: the server is not running", async () => {
    const report = await withDatabase(async (database) => {
      await addSampleSession(database);
      const heartbeatAt = new Date("2026-01-01T10:00:00Z");
      await database.whatsAppSession.updateMany({
        data: { state: "connected", linkedNumber: "6281234567890", heartbeatAt },
      });
      return describeStatus(database, new Date("2026-01-01T10:01:00Z"));
    });
    expect(report.isConnected).toBe(false);
    expect(report.lines[1]).toBe(
      `Connection: unknown; the server is not running (last heartbeat 60 s ago, last state "connected")`,
    );
  });

  it("says the server is not running when it never reported a heartbeat", async () => {
    const report = await withDatabase(async (database) => {
      await addSampleSession(database);
      return describeStatus(database);
    });
    expect(report.lines[1]).toBe(
      "Connection: unknown; the server is not running (it has never reported this session)",
    );
  });

  it("on a legacy database, names the session the product uses: the default, not the oldest", async () => {
    await createOneSenderDatabase(workspace.databaseFile, [
      { id: "old", name: "Oldest", createdAt: 1_700_000_000_000 },
      { id: "main", name: "Main Number", isDefault: true, createdAt: 1_700_000_100_000 },
    ]);
    const report = await withDatabase((database) => describeStatus(database));
    expect(report.lines[0]).toBe(`Session: "Main Number" (sessionId main_number), number not set`);
    expect(report.lines.at(-1)).toContain("2 sessions exist");
  });
});
