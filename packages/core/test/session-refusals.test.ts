/**
 * Each refusal WhatsApp can give has its own state and policy, proven with the real library through
 * the product's adapter against the strict simulator. The supervisor's timers run on a fake clock
 * (ManualTimers) so "no attempt in the next 10 minutes" is asserted without waiting; everything else
 * (sockets, library, simulator) runs in real time.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { SessionStatus } from "../src/contract.js";
import { createKabar } from "../src/create-kabar.js";
import { linkSession, type SimulatedKabar, sessionReaches, startSimulatedKabar } from "./outbox-simulated.js";
import { ManualTimers } from "./support/manual-timers.js";

const NEWER = "2.3000.1030000000";
const MINUTE = 60_000;

let harness: SimulatedKabar | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

/** Counts WebSocket connections the product opens from now on. */
function countConnections(current: SimulatedKabar) {
  let count = 0;
  current.simulator.on("connection", () => {
    count += 1;
  });
  return () => count;
}

async function start(timers: ManualTimers, simulator: Parameters<typeof startSimulatedKabar>[0] = {}) {
  harness = await startSimulatedKabar({ ...simulator, kabar: { timers, ...simulator.kabar } });
  return harness;
}

/** The socket dropped; the supervisor's first backoff timer runs on the fake clock. */
async function dropAndRunBackoff(current: SimulatedKabar, timers: ManualTimers): Promise<void> {
  const reconnecting = sessionReaches(current.kabar, (status) => status.reconnectAttempts > 0);
  current.simulator.faults.drop();
  await reconnecting;
  timers.advance(await timers.nextScheduled());
}

const isState = (state: SessionStatus["state"]) => (status: SessionStatus) => status.state === state;

describe("refusals from WhatsApp, each with its own state and policy", () => {
  it("405 client too old: one retry with a fresh lookup, then no attempt for 10 minutes; the reason names WA_WEB_VERSION", async () => {
    const timers = new ManualTimers();
    const { simulator, kabar } = await start(timers);
    await linkSession(harness as SimulatedKabar);
    expect(kabar.sessions.status().waWebVersion?.source).toBe("live");
    // WhatsApp raises its minimum above what this product can find: sw.js is unreachable
    simulator.setMinWaVersion(NEWER);
    simulator.faults.waWeb("fail");
    const attempts = countConnections(harness as SimulatedKabar);
    let refusals = 0;
    simulator.on("login-rejected", ({ code }) => {
      if (code === 405) refusals += 1;
    });
    const started = Date.now();
    const secondRefusal = simulator.waitFor("login-rejected", () => refusals === 2);
    await dropAndRunBackoff(harness as SimulatedKabar, timers);
    const tooOld = await sessionReaches(kabar, isState("client_too_old"), 10_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(tooOld.reason).toContain("WA_WEB_VERSION");
    await secondRefusal;
    const waiting = await sessionReaches(
      kabar,
      (status) => status.state === "client_too_old" && /in 10 minutes/.test(status.reason ?? ""),
    );
    expect(waiting.reason).toContain("WA_WEB_VERSION");
    // the panel translates the code, not the English
    expect(waiting).toMatchObject({ reasonCode: "client_too_old_waiting", lastDisconnectCode: "client_too_old" });
    expect(waiting.waWebVersion).toEqual({ version: expect.stringMatching(/^2\.3000\./), source: "bundled" });
    expect(timers.waiting()).toEqual([10 * MINUTE]);

    // the next 5 minutes: nothing starts (openSocket would set "connecting" synchronously)
    timers.advance(5 * MINUTE);
    expect(kabar.sessions.status().state).toBe("client_too_old");
    expect(attempts()).toBeLessThanOrEqual(3);
    expect(attempts()).toBe(2);

    // at 10 minutes it looks again and tries once more, then waits longer still
    const thirdRefusal = simulator.waitFor("login-rejected", () => refusals === 3);
    timers.advance(5 * MINUTE);
    await thirdRefusal;
    await sessionReaches(kabar, (status) => /in 20 minutes/.test(status.reason ?? ""));
    expect(attempts()).toBe(3);
  });

  it("405 before the device is linked: one fresh retry, then it waits for the admin (no QR nobody asked for)", async () => {
    const timers = new ManualTimers();
    const current = await start(timers, { simulator: { minWaVersion: NEWER } });
    current.simulator.faults.waWeb("fail");
    const attempts = countConnections(current);
    await current.kabar.sessions.create({ name: "Panitia Lari", sessionId: "panitia_lari" });
    const waiting = sessionReaches(current.kabar, (status) =>
      /press Connect again/.test(status.reason ?? ""),
    );
    await current.kabar.sessions.connect();
    expect(await waiting).toMatchObject({
      state: "client_too_old",
      reasonCode: "client_too_old_connect_again",
    });
    expect(attempts()).toBe(2);
    expect(timers.waiting()).toEqual([]);
  });

  it("with /wa-web/sw.js reachable it resolves the newer version itself and links", async () => {
    const timers = new ManualTimers();
    const { kabar } = await start(timers, { simulator: { minWaVersion: NEWER } });
    await linkSession(harness as SimulatedKabar);
    expect(kabar.sessions.status().waWebVersion).toEqual({ version: NEWER, source: "live" });
    expect((await kabar.health()).waWebVersion).toEqual({ version: NEWER, source: "live" });
  });

  it("with WA_WEB_VERSION set it links without looking anything up; a bad value is a startup error naming it", async () => {
    const timers = new ManualTimers();
    const current = await start(timers, {
      simulator: { minWaVersion: NEWER },
      kabar: { waWebVersion: NEWER },
    });
    current.simulator.faults.waWeb("hang");
    await linkSession(current);
    expect(current.kabar.sessions.status().waWebVersion).toEqual({ version: NEWER, source: "env" });

    await expect(createKabar(current.options({ waWebVersion: "2.3000" }))).rejects.toThrow(/WA_WEB_VERSION/);
  });

  it("403 banned: no attempt in the next 10 minutes", async () => {
    const timers = new ManualTimers();
    const current = await start(timers);
    await linkSession(current);
    current.simulator.faults.loginFailure(403);
    const attempts = countConnections(current);
    const banned = sessionReaches(current.kabar, isState("banned"));
    await dropAndRunBackoff(current, timers);
    expect((await banned).reason).toMatch(/403/);
    expect(attempts()).toBe(1);
    expect(timers.waiting()).toEqual([]);
    timers.advance(10 * MINUTE);
    expect(current.kabar.sessions.status().state).toBe("banned");
    expect(attempts()).toBe(1);
  });

  it("503 five times: backs off and ends connected", async () => {
    const timers = new ManualTimers();
    const current = await start(timers);
    await linkSession(current);
    current.simulator.faults.loginFailure(503, 5);
    let refusals = 0;
    current.simulator.on("login-rejected", ({ code }) => {
      if (code === 503) refusals += 1;
    });
    const connectedAgain = sessionReaches(
      current.kabar,
      (status) => status.state === "connected" && refusals === 5,
      30_000,
    );
    const reconnecting = sessionReaches(current.kabar, (status) => status.reconnectAttempts > 0);
    current.simulator.faults.drop();
    await reconnecting;
    const delays: number[] = [];
    while (refusals < 5 || current.kabar.sessions.status().state !== "connected") {
      const delay = await Promise.race([timers.nextScheduled(), connectedAgain.then(() => null)]);
      if (delay === null) break;
      delays.push(delay);
      timers.advance(delay);
    }
    await connectedAgain;
    // the drop and five 503s: six waits, each from the growing backoff (harness: 20 ms doubling to 200 ms)
    expect(delays).toHaveLength(6);
    expect(Math.max(...delays)).toBeGreaterThan(Math.min(...delays));
  });

  it("conflict (440) → replaced: no automatic fight; 'use this server' takes the session back", async () => {
    const timers = new ManualTimers();
    const current = await start(timers);
    await linkSession(current);
    const attempts = countConnections(current);
    const replaced = sessionReaches(current.kabar, isState("replaced"));
    current.simulator.faults.streamError("conflict");
    expect((await replaced).reason).toMatch(/Use this server/);
    timers.advance(10 * MINUTE);
    expect(current.kabar.sessions.status().state).toBe("replaced");
    expect(attempts()).toBeLessThanOrEqual(1);

    const connected = sessionReaches(current.kabar, isState("connected"));
    await current.kabar.sessions.takeOver();
    await connected;
  });
});
