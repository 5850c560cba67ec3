/**
 * Core's reconnect policy with a fake clock: when it reconnects, how long it waits, and when it
 * must not try again. The real library against the simulator is in session-simulator.test.ts.
 */
import fs from "node:fs";
import path from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { InMemoryEventBus } from "../src/events/event-bus.js";
import { REASONS } from "../src/session/connection-supervisor.js";
import { reconnectDelayMs } from "../src/session/reconnect-backoff.js";
import { createSessionManager, type SessionManager } from "../src/session/session-manager.js";
import { ScriptedWhatsAppPort } from "./support/scripted-whatsapp-port.js";
import { createTempKabarDir, type TempKabarDir } from "./support/temp-kabar-dir.js";

const SESSION_ID = "main_session";

describe("reconnectDelayMs", () => {
  it("tries first within 1 s, doubles the ceiling, never exceeds 60 s, and jitters within the upper half", () => {
    expect(reconnectDelayMs(0, {}, () => 0)).toBe(500);
    expect(reconnectDelayMs(0, {}, () => 1)).toBe(1_000);
    expect(reconnectDelayMs(1, {}, () => 1)).toBe(2_000);
    expect(reconnectDelayMs(3, {}, () => 0)).toBe(4_000);
    expect(reconnectDelayMs(6, {}, () => 1)).toBe(60_000);
    expect(reconnectDelayMs(1_000, {}, () => 1)).toBe(60_000);
    expect(reconnectDelayMs(1_000, {}, () => 0)).toBe(30_000);
    expect(reconnectDelayMs(2, { initialDelayMs: 10, maxDelayMs: 25 }, () => 1)).toBe(25);
    for (let attempt = 0; attempt < 40; attempt += 1) {
      const delay = reconnectDelayMs(attempt);
      expect(delay).toBeGreaterThan(0);
      expect(delay).toBeLessThanOrEqual(60_000);
    }
  });
});

describe("the reconnect policy", () => {
  let temp: TempKabarDir;
  let manager: SessionManager;
  let port: ScriptedWhatsAppPort;

  beforeEach(async () => {
    temp = await createTempKabarDir();
    port = new ScriptedWhatsAppPort();
    manager = createSessionManager({
      db: temp.db,
      port,
      sessionsDir: temp.sessionsDir,
      events: new InMemoryEventBus(),
      logger: pino({ level: "silent" }),
    });
    await manager.start();
    await manager.create({ name: "Main", sessionId: SESSION_ID });
    await manager.connect();
    // Only the reconnect timer is faked; database I/O keeps running.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  });

  afterEach(async () => {
    vi.useRealTimers();
    await manager.close();
    await temp.close();
  });

  function link() {
    port.qr(SESSION_ID);
    port.open(SESSION_ID);
    expect(manager.status().state).toBe("connected");
  }

  it("waits with growing, capped delays while the socket keeps failing, and resets once open", async () => {
    link();
    const startsBefore = port.starts();
    const ceilings = [
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000, 60_000, 60_000,
    ];
    for (const [attempt, ceiling] of ceilings.entries()) {
      port.drop(SESSION_ID, attempt % 2 === 0 ? "connection_closed" : "connection_lost");
      expect(manager.status()).toMatchObject({ state: "connecting", reconnectAttempts: attempt + 1 });
      await vi.advanceTimersByTimeAsync(ceiling / 2 - 1);
      expect(port.starts()).toBe(startsBefore + attempt);
      await vi.advanceTimersByTimeAsync(ceiling / 2 + 1);
      expect(port.starts()).toBe(startsBefore + attempt + 1);
    }
    expect(port.calls.some((call) => call.method === "logout")).toBe(false);
    port.open(SESSION_ID);
    expect(manager.status().reconnectAttempts).toBe(0);
    port.drop(SESSION_ID);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(port.starts()).toBe(startsBefore + ceilings.length + 1);
  });

  it("restarts at once after 515 (the restart WhatsApp asks for after linking)", () => {
    port.qr(SESSION_ID);
    const starts = port.starts();
    port.drop(SESSION_ID, "restart_required");
    expect(port.starts()).toBe(starts + 1);
  });

  it.each([
    ["qr_expired", "disconnected", REASONS.qr_expired, "qr_expired"],
    ["connection_replaced", "replaced", REASONS.replaced, "replaced"],
    ["banned", "banned", REASONS.banned, "banned"],
  ] as const)("does not reconnect after %s", async (kind, state, reason, reasonCode) => {
    if (kind !== "qr_expired") link();
    else port.qr(SESSION_ID);
    const starts = port.starts();
    port.drop(SESSION_ID, kind);
    // The panel translates the code; the last disconnect keeps its kind as a code too.
    expect(manager.status()).toMatchObject({ state, reason, reasonCode, lastDisconnectCode: kind });
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(port.starts()).toBe(starts);
  });

  it("does not loop on a socket that drops before any device is linked", async () => {
    port.qr(SESSION_ID);
    const starts = port.starts();
    port.drop(SESSION_ID, "connection_closed");
    expect(manager.status().state).toBe("disconnected");
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(port.starts()).toBe(starts);
  });

  it("on logout from the phone: logged_out at once, credentials moved to .backup, no reconnect", async () => {
    link();
    const folder = path.join(temp.sessionsDir, SESSION_ID);
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, "creds.json"), "{}");
    const starts = port.starts();
    port.drop(SESSION_ID, "logged_out");
    expect(manager.status()).toMatchObject({
      state: "logged_out",
      reason: REASONS.logged_out_on_phone,
      linkedNumber: null,
    });
    expect(fs.existsSync(folder)).toBe(false);
    const [backup] = fs.readdirSync(path.join(temp.sessionsDir, ".backup"));
    expect(fs.readFileSync(path.join(temp.sessionsDir, ".backup", backup ?? "", "creds.json"), "utf8")).toBe(
      "{}",
    );
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(port.starts()).toBe(starts);
  });

  it("cancels a pending reconnect when the admin disconnects", async () => {
    link();
    port.drop(SESSION_ID);
    const starts = port.starts();
    await manager.disconnect();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(port.starts()).toBe(starts);
    expect(manager.status()).toMatchObject({ state: "disconnected", reason: REASONS.disconnected_by_admin });
  });
});
