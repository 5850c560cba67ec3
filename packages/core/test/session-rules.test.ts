/**
 * The one-session rules, input validation, the process lock and the persisted live state, on a real
 * database with a scripted port (no socket needed for any of these).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { SessionStatus } from "../src/contract.js";
import {
  DefaultSessionUndeletableError,
  InvalidInputError,
  SessionAlreadyExistsError,
  SessionLockedError,
  SessionNotFoundError,
} from "../src/errors.js";
import { InMemoryEventBus } from "../src/events/event-bus.js";
import { described } from "../src/outbox/detail-codes.js";
import { createSessionManager, type SessionManager } from "../src/session/session-manager.js";
import { ScriptedWhatsAppPort } from "./support/scripted-whatsapp-port.js";
import { createTempKabarDir, type TempKabarDir } from "./support/temp-kabar-dir.js";

let temp: TempKabarDir;
const managers: SessionManager[] = [];

async function setUp() {
  temp = await createTempKabarDir();
}

function newManager(options: { heartbeatMs?: number; defaultCountry?: () => string } = {}) {
  const port = new ScriptedWhatsAppPort();
  const events = new InMemoryEventBus();
  const manager = createSessionManager({
    db: temp.db,
    port,
    sessionsDir: temp.sessionsDir,
    events,
    logger: pino({ level: "silent" }),
    ...options,
  });
  managers.push(manager);
  return { manager, port, events };
}

afterEach(async () => {
  for (const manager of managers.splice(0)) await manager.close();
  await temp.close();
});

describe("one session", () => {
  it("refuses a second session with an error naming the existing one, also when two race", async () => {
    await setUp();
    const { manager } = newManager();
    await manager.start();
    const [first, second] = await Promise.allSettled([
      manager.create({ name: "Main", sessionId: "main_session" }),
      manager.create({ name: "Other", sessionId: "other_session" }),
    ]);
    const created = [first, second].filter((result) => result.status === "fulfilled");
    const refused = [first, second].filter((result) => result.status === "rejected");
    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const error = refused[0]?.status === "rejected" ? refused[0].reason : null;
    expect(error).toBeInstanceOf(SessionAlreadyExistsError);

    await expect(manager.create({ name: "Third", sessionId: "third_session" })).rejects.toThrow(
      new SessionAlreadyExistsError(
        created[0]?.status === "fulfilled" ? created[0].value : { name: "", sessionId: "" },
      ),
    );
    expect(await temp.db.whatsAppSession.count()).toBe(1);
  });

  it("is always default and active, and cannot be deleted", async () => {
    await setUp();
    const { manager } = newManager();
    await manager.start();
    const session = await manager.create({
      name: "Main",
      sessionId: "main_session",
      isActive: false,
      isDefault: false,
    });
    expect(session).toMatchObject({ isActive: true, isDefault: true });
    expect(manager.activeSessionId()).toBe("main_session");
    await expect(manager.delete(session.id)).rejects.toBeInstanceOf(DefaultSessionUndeletableError);
    await expect(manager.delete("nope")).rejects.toBeInstanceOf(SessionNotFoundError);
    expect(await manager.list()).toHaveLength(1);
  });

  it("stores the session's number by the recipients' rule, with the country read at each use", async () => {
    await setUp();
    let country = "ID";
    const { manager, port } = newManager({ defaultCountry: () => country });
    await manager.start();
    // The seed's own POST body writes the number with "+".
    const session = await manager.create({
      name: "Main",
      sessionId: "main_session",
      phoneNumber: "+6285117132297",
    });
    expect(session.phoneNumber).toBe("6285117132297");
    expect((await manager.update({ id: session.id, phoneNumber: "0851-1713-2297" })).phoneNumber).toBe(
      "6285117132297",
    );
    await expect(manager.update({ id: session.id, phoneNumber: "+62 812" })).rejects.toMatchObject({
      field: "phoneNumber",
    });
    expect((await manager.get())?.phoneNumber).toBe("6285117132297");

    // A settings change reaches the pairing-code number without a restart.
    country = "MY";
    await manager.connect({ phoneNumber: "012-345 6789" });
    expect(port.calls.at(-1)).toMatchObject({ method: "start", pairingPhoneNumber: "60123456789" });
  });

  it.each([
    ["../x", "path traversal"],
    ["/etc", "absolute path"],
    ["sesión_ü", "unicode"],
    ["main\u0000session", "NUL"],
    ["..", "parent"],
    ["", "empty"],
  ])("rejects sessionId %j (%s) naming the field, and writes nothing", async (sessionId) => {
    await setUp();
    const { manager } = newManager();
    await manager.start();
    const attempt = manager.create({ name: "Main", sessionId });
    await expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
    await expect(attempt).rejects.toMatchObject({ field: "sessionId" });
    expect(await temp.db.whatsAppSession.count()).toBe(0);
    expect(fs.readdirSync(temp.sessionsDir)).toEqual([".lock"]);
    expect(fs.readdirSync(temp.dir).filter((name) => !name.startsWith("kabar.db"))).toEqual(["wa_sessions"]);
  });
});

describe("the process lock", () => {
  it("makes a second manager on the same wa_sessions refuse, naming the holder", async () => {
    await setUp();
    const first = newManager();
    await first.manager.start();
    const lock = JSON.parse(fs.readFileSync(path.join(temp.sessionsDir, ".lock"), "utf8"));
    expect(lock).toMatchObject({ pid: process.pid, hostname: os.hostname() });
    expect(typeof lock.started).toBe("string");

    const second = newManager();
    const refused = second.manager.start();
    await expect(refused).rejects.toBeInstanceOf(SessionLockedError);
    await expect(refused).rejects.toThrow(`pid ${process.pid} on ${os.hostname()}`);
    await expect(second.manager.connect()).rejects.toBeInstanceOf(SessionLockedError);

    await first.manager.close();
    expect(fs.existsSync(path.join(temp.sessionsDir, ".lock"))).toBe(false);
    await second.manager.start();
  });

  it("takes over a lock left by a dead process on this host, but not one from another host", async () => {
    await setUp();
    fs.mkdirSync(temp.sessionsDir, { recursive: true });
    const lockPath = path.join(temp.sessionsDir, ".lock");
    const deadPid = Number(
      execFileSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]),
    );
    fs.writeFileSync(lockPath, JSON.stringify({ pid: deadPid, hostname: os.hostname(), started: "earlier" }));
    const { manager } = newManager();
    await manager.start();
    expect(JSON.parse(fs.readFileSync(lockPath, "utf8")).pid).toBe(process.pid);
    await manager.close();

    // Another host with a fresh heartbeat may be a live server sharing the folder: refused.
    fs.writeFileSync(lockPath, JSON.stringify({ pid: deadPid, hostname: "other-host", started: "earlier" }));
    await expect(newManager().manager.start()).rejects.toThrow(`pid ${deadPid} on other-host`);
  });

  it("takes over a lock whose heartbeat is older than the limit, whatever the host, and logs it", async () => {
    await setUp();
    fs.mkdirSync(temp.sessionsDir, { recursive: true });
    const lockPath = path.join(temp.sessionsDir, ".lock");
    // A recreated container: another host name, the old pid unknowable, the heartbeat two minutes old.
    fs.writeFileSync(lockPath, JSON.stringify({ pid: 1, hostname: "old-container", started: "earlier" }));
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    fs.utimesSync(lockPath, twoMinutesAgo, twoMinutesAgo);
    const lines: string[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => lines.push(line) });
    const manager = createSessionManager({
      db: temp.db,
      port: new ScriptedWhatsAppPort(),
      sessionsDir: temp.sessionsDir,
      events: new InMemoryEventBus(),
      logger,
    });
    managers.push(manager);
    await manager.start();
    expect(JSON.parse(fs.readFileSync(lockPath, "utf8"))).toMatchObject({
      pid: process.pid,
      hostname: os.hostname(),
    });
    const warning = lines.map((line) => JSON.parse(line)).find((entry) => entry.level === 40);
    expect(warning?.msg).toMatch(
      /^taking over the session lock of pid 1 on old-container, since earlier: its heartbeat is 1\d\d s old \(limit 60 s\)/,
    );
  });

  it("keeps its own lock's heartbeat fresh while it holds the session", async () => {
    await setUp();
    const port = new ScriptedWhatsAppPort();
    const manager = createSessionManager({
      db: temp.db,
      port,
      sessionsDir: temp.sessionsDir,
      events: new InMemoryEventBus(),
      logger: pino({ level: "silent" }),
      lock: { heartbeatMs: 20 },
    });
    managers.push(manager);
    await manager.start();
    const lockPath = path.join(temp.sessionsDir, ".lock");
    const longAgo = new Date(Date.now() - 600_000);
    fs.utimesSync(lockPath, longAgo, longAgo);
    await expect
      .poll(() => fs.statSync(lockPath).mtimeMs, { timeout: 5_000 })
      .toBeGreaterThan(Date.now() - 60_000);
    // So a second process sees a live holder and refuses.
    await expect(newManager().manager.start()).rejects.toBeInstanceOf(SessionLockedError);
  });
});

describe("live state", () => {
  it("publishes each change on the bus and writes it, with a heartbeat, to the session row", async () => {
    await setUp();
    const { manager, port, events } = newManager({ heartbeatMs: 30 });
    const published: SessionStatus[] = [];
    events.on(({ event }) => {
      if (event.type === "session.state") published.push(event.status);
    });
    await manager.start();
    await manager.create({ name: "Main", sessionId: "main_session" });
    await manager.connect();
    port.qr("main_session");
    expect(manager.status()).toMatchObject({ state: "waiting_qr", qr: { value: "ref,noise,identity,adv" } });
    port.open("main_session", "6281200000001");
    expect(published.map((status) => status.state)).toEqual(
      expect.arrayContaining(["connecting", "waiting_qr", "connected"]),
    );

    const readRow = () => temp.db.whatsAppSession.findFirstOrThrow();
    await expect.poll(async () => (await readRow()).state).toBe("connected");
    const row = await readRow();
    expect(row).toMatchObject({
      linkedNumber: "6281200000001",
      reconnectAttempts: 0,
      stateReason: "Connected",
    });
    expect(row.lastConnectedAt).toBeInstanceOf(Date);
    const firstBeat = row.heartbeatAt?.getTime() ?? 0;
    await expect.poll(async () => (await readRow()).heartbeatAt?.getTime() ?? 0).toBeGreaterThan(firstBeat);

    manager.setOutboxPaused(described("paused_by_hand", { reason: "acara ditunda" }));
    expect(manager.status()).toMatchObject({
      outboxPausedReason: "acara ditunda",
      outboxPausedCode: "paused_by_hand",
      outboxPausedParams: { reason: "acara ditunda" },
    });
    await manager.close();
    expect((await readRow()).state).toBe("disconnected");
  });
});
