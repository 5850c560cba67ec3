/**
 * The single session through the real wa-multi-session + Baileys against the simulator. One file so
 * the library's module-global state only ever holds one session at a time.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_ACCOUNT_NUMBER } from "@kabar/whatsapp-simulator";
import { REASONS } from "../src/session/connection-supervisor.js";
import {
  linkNewSession,
  type SimulatedWhatsApp,
  startSimulatedWhatsApp,
  waitForStatus,
} from "./support/simulated-whatsapp-harness.js";

const SESSION_ID = "main_session";
let harness: SimulatedWhatsApp | null = null;

afterEach(async () => {
  await harness?.close();
  harness = null;
});

describe("the single session against the simulator", () => {
  it("links by QR, then restores from the saved credentials after a restart with no QR", async () => {
    harness = await startSimulatedWhatsApp();
    const first = harness.createManager();
    await first.manager.start();
    const connected = await linkNewSession(harness, first.manager, SESSION_ID);
    expect(connected.linkedNumber).toBe(harness.simulator.state().account.number);
    // WhatsApp's 515 right after pairing is the normal second step of every link, not a disconnect
    // for the panel to show ("Stream Errored (restart required)").
    expect(connected).toMatchObject({
      reasonCode: "connected",
      lastDisconnectAt: null,
      lastDisconnectReason: null,
      lastDisconnectCode: null,
    });
    expect(fs.existsSync(path.join(harness.sessionsDir, SESSION_ID, "creds.json"))).toBe(true);
    await first.stop();

    const second = harness.createManager();
    const statuses: string[] = [];
    second.manager.onStatus((status) => statuses.push(status.state));
    const reconnected = waitForStatus(second.manager, (status) => status.state === "connected");
    await second.manager.start();
    expect((await reconnected).linkedNumber).toBe(harness.simulator.state().account.number);
    expect(statuses).not.toContain("waiting_qr");
  }, 30_000);

  it("moves the credentials to .backup and reports logged_out within 2 s when the phone removes the device", async () => {
    harness = await startSimulatedWhatsApp();
    const { manager } = harness.createManager();
    await manager.start();
    await linkNewSession(harness, manager, SESSION_ID);

    const loggedOut = waitForStatus(manager, (status) => status.state === "logged_out");
    const startedAt = Date.now();
    harness.simulator.phone.logout();
    const status = await loggedOut;
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    expect(status.reason).toBe(REASONS.logged_out_on_phone);
    expect(status).toMatchObject({ reasonCode: "logged_out_on_phone", lastDisconnectCode: "logged_out" });
    expect(status.linkedNumber).toBeNull();

    expect(fs.existsSync(path.join(harness.sessionsDir, SESSION_ID))).toBe(false);
    const backups = fs.readdirSync(path.join(harness.sessionsDir, ".backup"));
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z-main_session$/);
    expect(fs.existsSync(path.join(harness.sessionsDir, ".backup", backups[0] ?? "", "creds.json"))).toBe(
      true,
    );

    // The admin links again with a fresh QR.
    const waitingQr = waitForStatus(manager, (next) => next.state === "waiting_qr");
    await manager.connect();
    const { qr } = await waitingQr;
    const relinked = waitForStatus(manager, (next) => next.state === "connected");
    await harness.simulator.phone.scan(qr?.value ?? "");
    expect((await relinked).state).toBe("connected");
  }, 30_000);

  it('ends in disconnected "QR expired" when the QR codes run out, and does not try again', async () => {
    harness = await startSimulatedWhatsApp({ simulator: { qrRefCount: 2 }, qrTimeoutMs: 150 });
    const { manager } = harness.createManager();
    await manager.start();
    await manager.create({ name: "Main", sessionId: SESSION_ID });
    let connections = 0;
    harness.simulator.on("connection", () => {
      connections += 1;
    });
    const qrs: string[] = [];
    manager.onStatus((status) => {
      if (status.qr && !qrs.includes(status.qr.value)) qrs.push(status.qr.value);
    });
    const expired = waitForStatus(
      manager,
      (status) => status.state === "disconnected" && status.reason !== null,
    );
    await manager.connect();
    const status = await expired;
    expect(status.reason).toBe(REASONS.qr_expired);
    expect(status.qr).toBeNull();
    expect(qrs).toHaveLength(2);
    // Proving an absence needs a window: wa-multi-session would retry at once, our backoff within 200 ms.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(connections).toBe(1);
    expect(manager.status().state).toBe("disconnected");

    // A fresh QR any time after.
    const waitingQr = waitForStatus(manager, (next) => next.state === "waiting_qr");
    await manager.refreshQr();
    expect((await waitingQr).qr?.value).toBeTruthy();
    expect(connections).toBe(2);
  }, 30_000);

  it("survives 20 socket drops: reconnects each time, the credentials folder never goes away", async () => {
    harness = await startSimulatedWhatsApp();
    const { manager } = harness.createManager();
    await manager.start();
    await linkNewSession(harness, manager, SESSION_ID);
    const credsPath = path.join(harness.sessionsDir, SESSION_ID, "creds.json");
    const linkedAs = JSON.parse(fs.readFileSync(credsPath, "utf8")).me.id;

    for (let drop = 0; drop < 20; drop += 1) {
      const left = waitForStatus(manager, (status) => status.state !== "connected", 10_000);
      expect(harness.simulator.faults.drop()).toBe(1);
      await left;
      expect(fs.existsSync(credsPath)).toBe(true);
      await waitForStatus(manager, (status) => status.state === "connected", 10_000);
    }
    expect(manager.status().state).toBe("connected");
    expect(JSON.parse(fs.readFileSync(credsPath, "utf8")).me.id).toBe(linkedAs);
    expect(harness.simulator.state().devices.filter((device) => !device.isRemoved)).toHaveLength(1);
  }, 60_000);

  it("keeps the credentials through refused connections and reconnects once the server is back", async () => {
    harness = await startSimulatedWhatsApp();
    const { manager } = harness.createManager({ reconnect: { initialDelayMs: 20, maxDelayMs: 100 } });
    await manager.start();
    await linkNewSession(harness, manager, SESSION_ID);
    const credsPath = path.join(harness.sessionsDir, SESSION_ID, "creds.json");

    let refused = 0;
    harness.simulator.on("refused", () => {
      refused += 1;
    });
    // More refusals than wa-multi-session's ten, after which it would have deleted the folder.
    const manyRefusals = harness.simulator.waitFor("refused", () => refused >= 12, 15_000);
    harness.simulator.faults.refuse(3);
    harness.simulator.faults.drop();
    await manyRefusals;
    expect(fs.existsSync(credsPath)).toBe(true);
    expect(manager.status().reconnectAttempts).toBeGreaterThanOrEqual(12);

    const back = await waitForStatus(manager, (status) => status.state === "connected", 15_000);
    expect(back.reconnectAttempts).toBe(0);
    expect(fs.existsSync(credsPath)).toBe(true);
  }, 30_000);

  it("links by pairing code: the phone enters the code the status shows, and the session connects", async () => {
    harness = await startSimulatedWhatsApp();
    const { manager } = harness.createManager();
    await manager.start();
    await manager.create({ name: "Main", sessionId: SESSION_ID });
    const waiting = waitForStatus(manager, (status) => status.state === "waiting_pairing_code");
    // A person types the code only after WhatsApp got the device's request; wait for that too.
    const requested = harness.simulator.waitFor("pairing-code-requested");
    // The code only links the phone whose number asked for it, as on WhatsApp.
    await manager.connect({ phoneNumber: `+${DEFAULT_ACCOUNT_NUMBER}` });
    const status = await waiting;
    expect(status.pairingCode).toEqual({
      code: expect.stringMatching(/^[A-Z0-9]{8}$/),
      phoneNumber: DEFAULT_ACCOUNT_NUMBER,
    });
    expect(status.qr).toBeNull();

    const connected = waitForStatus(manager, (current) => current.state === "connected", 15_000);
    await requested;
    await harness.simulator.phone.enterCode(status.pairingCode?.code ?? "");
    expect((await connected).linkedNumber).toBe(DEFAULT_ACCOUNT_NUMBER);
  }, 30_000);

  it("logs out on the admin's request: WhatsApp drops the device, the credentials go to .backup", async () => {
    harness = await startSimulatedWhatsApp();
    const { manager } = harness.createManager();
    await manager.start();
    await linkNewSession(harness, manager, SESSION_ID);
    const removed = harness.simulator.waitFor("device-removed", (event) => event.by === "library");

    const status = await manager.logout();
    expect(status).toMatchObject({
      state: "logged_out",
      reason: REASONS.logged_out_by_admin,
      linkedNumber: null,
    });
    await removed;
    expect(fs.existsSync(path.join(harness.sessionsDir, SESSION_ID))).toBe(false);
    expect(fs.readdirSync(path.join(harness.sessionsDir, ".backup"))).toHaveLength(1);
    expect(harness.simulator.state().devices.every((device) => device.isRemoved)).toBe(true);
  }, 30_000);

  it("stops when another client takes the session over (440), keeping the credentials", async () => {
    harness = await startSimulatedWhatsApp();
    const { manager } = harness.createManager();
    await manager.start();
    await linkNewSession(harness, manager, SESSION_ID);
    let connections = 0;
    harness.simulator.on("connection", () => {
      connections += 1;
    });
    const replaced = waitForStatus(manager, (status) => status.state === "replaced");
    harness.simulator.faults.streamError("conflict");
    expect((await replaced).reason).toBe(REASONS.replaced);
    expect(fs.existsSync(path.join(harness.sessionsDir, SESSION_ID, "creds.json"))).toBe(true);
    // As for QR expiry: the window in which a reconnect (200 ms cap here) would have shown up.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(connections).toBe(0);

    const back = waitForStatus(manager, (status) => status.state === "connected");
    await manager.connect();
    expect((await back).linkedNumber).toBe(harness.simulator.state().account.number);
  }, 30_000);
});
