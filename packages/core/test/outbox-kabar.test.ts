/**
 * createKabar and the seed's library functions, wired with the real session manager and the
 * fake port (the simulator tests cover the real adapter).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { Kabar } from "../src/contract.js";
import { createKabar } from "../src/create-kabar.js";
import {
  closeWhatsApp,
  configureWhatsApp,
  getActiveSessionIds,
  getActiveWhatsAppSessions,
  getDefaultWhatsAppSession,
  getSessionStatus,
  isSessionConnected,
  readLibraryEnv,
  sendWhatsAppMessage,
  sendWhatsAppMessageWithSession,
} from "../src/library.js";
import { FakeWhatsAppPort } from "../src/whatsapp/fake-whatsapp-port.js";
import { NO_PACING, nextEvent } from "./outbox-harness.js";

describe("createKabar and the library functions", { timeout: 30_000 }, () => {
  let dir = "";
  let kabar: Kabar | null = null;
  afterEach(async () => {
    await closeWhatsApp();
    await kabar?.close();
    kabar = null;
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  });

  async function start(port: FakeWhatsAppPort): Promise<Kabar> {
    dir = await mkdtemp(path.join(tmpdir(), "kabar-core-"));
    return createKabar({
      databaseUrl: `file:${path.join(dir, "kabar.db")}`,
      sessionsDir: path.join(dir, "wa_sessions"),
      port,
      settings: NO_PACING,
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    });
  }

  it("sends through the one session, falling back to it for another name and saying so", async () => {
    const port = new FakeWhatsAppPort();
    kabar = await start(port);
    await kabar.sessions.create({ name: "Panitia Lari", sessionId: "panitia_lari" });
    configureWhatsApp(kabar);
    const queued = await sendWhatsAppMessage({ to: "+62 812-3456-7890", message: "Pendaftaran diterima" });
    expect(queued).toMatchObject({
      success: true,
      status: "queued",
      usedDefaultSession: false,
      to: "6281234567890",
    });
    expect(getActiveSessionIds()).toEqual([]);
    expect(isSessionConnected("panitia_lari")).toBe(false);

    const connected = nextEvent(
      kabar.events,
      (event) => event.type === "session.state" && event.status.state === "connected",
    );
    await kabar.sessions.connect();
    port.emit("open", { sessionId: "panitia_lari", linkedNumber: "6281200000000" });
    await connected;
    const sent = await sendWhatsAppMessageWithSession("marketing", "081234567890", "Nomor BIB: 1024", {
      waitFor: "sent",
    });
    expect(sent).toMatchObject({
      success: true,
      status: "sent",
      usedDefaultSession: true,
      sessionName: "Panitia Lari",
    });
    expect(sent.messageId).toBe(sent.id);
    expect(port.sends.map((send) => send.text)).toEqual(["Pendaftaran diterima", "Nomor BIB: 1024"]);

    // Synchronous, as the seed writes it: `if (isSessionConnected(id))` must not see a Promise.
    expect(getActiveSessionIds()).toEqual(["panitia_lari"]);
    expect(isSessionConnected("panitia_lari")).toBe(true);
    expect(isSessionConnected("other")).toBe(false);
    expect(await getSessionStatus("whatever")).toMatchObject({
      state: "connected",
      usedDefaultSession: true,
    });
    expect((await getDefaultWhatsAppSession())?.sessionId).toBe("panitia_lari");
    expect((await getActiveWhatsAppSessions()).map((session) => session.name)).toEqual(["Panitia Lari"]);

    expect(await kabar.messages.countByStatus()).toMatchObject({ sent: 2, queued: 0 });
    expect(await kabar.health()).toMatchObject({
      ok: true,
      database: true,
      session: { state: "connected" },
      outboxDepth: 0,
    });
    expect(kabar.stats().sendLatencyMs).toHaveLength(2);
  });

  it("reads DATABASE_URL, WA_SESSIONS_DIR and WHATSAPP_WS_URL in one place, with a clear error", () => {
    expect(
      readLibraryEnv({
        DATABASE_URL: "file:/tmp/x/kabar.db",
        WA_SESSIONS_DIR: "/tmp/x/wa",
        WHATSAPP_WS_URL: "ws://127.0.0.1:1/ws",
      }),
    ).toEqual({
      databaseUrl: "file:/tmp/x/kabar.db",
      sessionsDir: "/tmp/x/wa",
      whatsappWsUrl: "ws://127.0.0.1:1/ws",
    });
    expect(() => readLibraryEnv({ WHATSAPP_WS_URL: "http://x" })).toThrow(
      /WHATSAPP_WS_URL must be a ws:\/\//,
    );
  });
});
