import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDatabase, migrateDatabase } from "../src/index.js";
import { CleanupRefusedError, cleanupSessions } from "../src/whatsapp-session/cleanup-sessions.js";
import {
  createOneSenderDatabase,
  createTempWorkspace,
  runScript,
  scriptEnv,
  type TempWorkspace,
} from "./temp-workspace.js";

let workspace: TempWorkspace;
beforeEach(() => {
  workspace = createTempWorkspace();
});
afterEach(() => workspace.remove());

function writeCredentials(folder: string): void {
  fs.mkdirSync(path.join(workspace.sessionsDir, folder), { recursive: true });
  fs.writeFileSync(path.join(workspace.sessionsDir, folder, "creds.json"), `{"folder":"${folder}"}`);
}

describe("pnpm whatsapp:cleanup", () => {
  it("keeps the session the product uses (the default, not the oldest), backs up the others' credentials, and is idempotent", async () => {
    // as OneSender left it: several rows, the default neither the oldest nor active, inserted out of order
    await createOneSenderDatabase(workspace.databaseFile, [
      { id: "s2", name: "Main Number", isDefault: true, isActive: false, createdAt: 1_700_000_100_000 },
      { id: "s1", name: "Marketing", createdAt: 1_700_000_000_000 },
      { id: "s3", name: "Support Desk", createdAt: 1_700_000_200_000 },
    ]);
    writeCredentials("main_number");
    writeCredentials("marketing");
    writeCredentials("marketing_credentials");
    // support_desk never linked a phone: no folder

    const first = await runScript("whatsapp-cleanup", scriptEnv(workspace));
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("Removed 2 extra WhatsApp sessions:");
    expect(first.stdout).toMatch(
      /"Marketing" \(sessionId marketing\): credentials moved to .*\.backup\/\d{8}T\d{6}Z-marketing, .*\.backup\/\d{8}T\d{6}Z-marketing_credentials/,
    );
    expect(first.stdout).toContain(`"Support Desk" (sessionId support_desk): no credential folder`);
    expect(first.stdout).toContain(
      `Kept "Main Number" (sessionId main_number), the session the product uses, now the default and active one.`,
    );

    const database = createDatabase(workspace.databaseUrl);
    try {
      expect(
        await database.whatsAppSession.findMany({
          select: { id: true, sessionId: true, isDefault: true, isActive: true },
        }),
      ).toEqual([{ id: "s2", sessionId: "main_number", isDefault: true, isActive: true }]);
    } finally {
      await database.$disconnect();
    }

    // the kept folder stays; the others are moved, not deleted, with their contents
    expect(fs.existsSync(path.join(workspace.sessionsDir, "main_number", "creds.json"))).toBe(true);
    expect(fs.existsSync(path.join(workspace.sessionsDir, "marketing"))).toBe(false);
    const backups = fs.readdirSync(path.join(workspace.sessionsDir, ".backup")).sort();
    expect(backups).toHaveLength(2);
    expect(backups[0]).toMatch(/^\d{8}T\d{6}Z-marketing$/);
    expect(backups[1]).toMatch(/^\d{8}T\d{6}Z-marketing_credentials$/);
    expect(
      fs.readFileSync(path.join(workspace.sessionsDir, ".backup", backups[0] ?? "", "creds.json"), "utf8"),
    ).toBe(`{"folder":"marketing"}`);

    // the script prints these lines as they are; in process, to keep the suite fast
    const again = createDatabase(workspace.databaseUrl);
    try {
      const second = await cleanupSessions(again, workspace.sessionsDir);
      expect(second.lines).toEqual([`Nothing to clean up; kept "Main Number" (sessionId main_number).`]);
      expect(second.removed).toEqual([]);
    } finally {
      await again.$disconnect();
    }
    expect(fs.readdirSync(path.join(workspace.sessionsDir, ".backup"))).toHaveLength(2);
  });

  it("refuses, changing nothing, when a running server holds a session it would remove", async () => {
    await createOneSenderDatabase(workspace.databaseFile, [
      { id: "old", name: "Oldest", isDefault: true, createdAt: 1_700_000_000_000 },
      { id: "live", name: "Live One", createdAt: 1_700_000_100_000 },
    ]);
    writeCredentials("live_one");
    await migrateDatabase(workspace.databaseUrl);
    const database = createDatabase(workspace.databaseUrl);
    try {
      await database.whatsAppSession.update({
        where: { id: "live" },
        data: { heartbeatAt: new Date() },
        select: { id: true },
      });
      await expect(cleanupSessions(database, workspace.sessionsDir)).rejects.toThrow(
        `the running server holds "Live One" (sessionId live_one), which is not the session the product uses — stop the server, then run pnpm whatsapp:cleanup again`,
      );
      await expect(cleanupSessions(database, workspace.sessionsDir)).rejects.toBeInstanceOf(
        CleanupRefusedError,
      );
      expect(await database.whatsAppSession.count()).toBe(2);
      expect(fs.existsSync(path.join(workspace.sessionsDir, "live_one", "creds.json"))).toBe(true);
    } finally {
      await database.$disconnect();
    }
  });

  it("says so when there is no session at all", async () => {
    await migrateDatabase(workspace.databaseUrl);
    const database = createDatabase(workspace.databaseUrl);
    try {
      const result = await cleanupSessions(database, workspace.sessionsDir);
      expect(result.lines).toEqual(["No WhatsApp session exists; nothing to clean up."]);
    } finally {
      await database.$disconnect();
    }
  });
});
