/**
 * The accept path reads the session from the session manager's memory, not the database: these pin
 * down that the copy follows create and update, and that no session still gives a clear error.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDatabase } from "@kabar/db";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { Kabar } from "../src/contract.js";
import { createKabar } from "../src/create-kabar.js";
import { FakeWhatsAppPort } from "../src/whatsapp/fake-whatsapp-port.js";
import { NO_PACING } from "./outbox-harness.js";

describe("the session a send is queued on", { timeout: 30_000 }, () => {
  let dir = "";
  let kabar: Kabar | null = null;
  afterEach(async () => {
    await kabar?.close();
    kabar = null;
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  });

  it("is refused clearly before one exists, then follows create and update", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "kabar-accept-"));
    const databaseUrl = `file:${path.join(dir, "kabar.db")}`;
    kabar = await createKabar({
      databaseUrl,
      sessionsDir: path.join(dir, "wa_sessions"),
      port: new FakeWhatsAppPort(),
      settings: NO_PACING,
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    });
    const send = (sessionName?: string) =>
      kabar?.messages.send({ to: "081234567890", message: "x", ...(sessionName ? { sessionName } : {}) });

    await expect(send()).rejects.toMatchObject({
      code: "SESSION_NOT_FOUND",
      message: expect.stringContaining("create one before sending"),
    });
    const created = await kabar.sessions.create({ name: "Panitia", sessionId: "panitia" });
    const first = await send("Panitia");
    await kabar.sessions.update({ id: created.id, name: "Panitia Lari", sessionId: "panitia_lari" });
    const renamed = await send("Panitia Lari");
    const oldName = await send("Panitia");

    expect([first?.usedDefaultSession, renamed?.usedDefaultSession, oldName?.usedDefaultSession]).toEqual([
      false,
      false,
      true,
    ]);
    const db = createDatabase(databaseUrl);
    try {
      const rows = await db.outboxMessage.findMany({ orderBy: { seq: "asc" }, select: { sessionId: true } });
      expect(rows.map((row) => row.sessionId)).toEqual(["panitia", "panitia_lari", "panitia_lari"]);
    } finally {
      await db.$disconnect();
    }
  });
});
