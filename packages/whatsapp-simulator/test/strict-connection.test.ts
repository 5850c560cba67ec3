import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baileys } from "../src/baileys.js";
import { type ConflictReport, startSimulator, type WhatsAppSimulator } from "../src/index.js";
import { pointLibraryAt, resetLibraryPointer } from "../src/point-library.js";
import { linkRaw, type RawSocket, rawSocket, tempFolder } from "./raw-socket.js";

const MINIMUM = "2.3000.1030000000";
const NEWER: [number, number, number] = [2, 3000, 1030000000];
const bundled = baileys.DEFAULT_CONNECTION_CONFIG.version;
// Baileys' own regex from Utils/generics.js fetchLatestWaWebVersion
const CLIENT_REVISION = /\\?"client_revision\\?":\s*(\d+)/;

describe("a strict connection: version gate, login failures, stream errors, conflict, half-open", () => {
  let sim: WhatsAppSimulator;
  const folders = tempFolder("kabar-sim-strict-");
  const open: RawSocket[] = [];
  const track = (socket: RawSocket) => {
    open.push(socket);
    return socket;
  };
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${sim.controlUrl}${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, minWaVersion: MINIMUM });
    pointLibraryAt(sim.wsUrl);
  });
  afterAll(async () => {
    for (const socket of open) socket.end();
    await sim.close();
    resetLibraryPointer();
    folders.remove();
  });

  it("refuses a registration and a login older than the minimum with 405, and serves the version at /wa-web/sw.js", async () => {
    const rejected = sim.waitFor("login-rejected");
    const stale = await rawSocket(folders.path("stale"));
    expect(await stale.closed).toBe(405);
    expect(await rejected).toMatchObject({ code: 405, reason: expect.stringContaining("client too old") });

    const linked = track(await linkRaw(sim, folders.path("gate"), { version: NEWER }));
    linked.end();
    const staleLogin = await rawSocket(folders.path("gate"), {
      version: [bundled[0], bundled[1], bundled[2]],
    });
    expect(await staleLogin.closed).toBe(405);

    // raised while the device is linked: its next login is refused; lowered again: it logs in
    sim.setMinWaVersion("2.3000.1030000001");
    expect(await (await rawSocket(folders.path("gate"), { version: NEWER })).closed).toBe(405);
    sim.setMinWaVersion(MINIMUM);
    const again = track(await rawSocket(folders.path("gate"), { version: NEWER }));
    await again.opened;
    again.end();

    const page = await fetch(`${sim.controlUrl}/wa-web/sw.js`);
    expect(page.status).toBe(200);
    expect(CLIENT_REVISION.exec(await page.text())?.[1]).toBe("1030000000");
    expect(sim.state().waWeb).toEqual({ minimum: MINIMUM, served: MINIMUM });
  });

  it("sw.js can fail or hang on command, and says so in GET /state", async () => {
    expect((await call("POST", "/faults/wa-web", { mode: "fail" })).body).toMatchObject({ waWeb: "fail" });
    expect((await fetch(`${sim.controlUrl}/wa-web/sw.js`)).status).toBe(500);
    sim.faults.waWeb("hang");
    await expect(
      fetch(`${sim.controlUrl}/wa-web/sw.js`, { signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow();
    expect((await call("GET", "/state")).body.faults).toMatchObject({ waWeb: "hang" });
    sim.faults.waWeb("normal");
    expect((await fetch(`${sim.controlUrl}/wa-web/sw.js`)).status).toBe(200);
  });

  it("login failures on command: each reason becomes Baileys' close code, for the next n logins", async () => {
    const folder = folders.path("failures");
    track(await linkRaw(sim, folder, { version: NEWER })).end();
    for (const reason of [401, 403, 405, 503] as const) {
      sim.faults.loginFailure(reason, 1);
      const socket = await rawSocket(folder, { version: NEWER });
      expect(await socket.closed).toBe(reason);
    }
    expect((await call("POST", "/faults/login-failure", { reason: 403, count: 2 })).body).toMatchObject({
      loginFailure: { reason: 403, remaining: 2 },
    });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      expect(await (await rawSocket(folder, { version: NEWER })).closed).toBe(403);
    }
    const after = track(await rawSocket(folder, { version: NEWER }));
    await after.opened;
    expect(sim.state().faults.loginFailure).toBeNull();
    after.end();
    // until cleared: no count
    sim.faults.loginFailure(503);
    expect(await (await rawSocket(folder, { version: NEWER })).closed).toBe(503);
    expect(await (await rawSocket(folder, { version: NEWER })).closed).toBe(503);
    expect((await call("POST", "/faults/login-failure", { reason: null })).body).toMatchObject({
      loginFailure: null,
    });
    const cleared = track(await rawSocket(folder, { version: NEWER }));
    await cleared.opened;
    cleared.end();
  });

  it("stream errors: service-unavailable is 503, stream-end (xmlstreamend) is 428", async () => {
    const folder = folders.path("stream");
    let socket = track(await linkRaw(sim, folder, { version: NEWER }));
    for (const [kind, code] of [
      ["service-unavailable", 503],
      ["stream-end", 428],
    ] as const) {
      expect((await call("POST", "/faults/stream-error", { kind })).body).toEqual({ affected: 1 });
      expect(await socket.closed).toBe(code);
      socket = track(await rawSocket(folder, { version: NEWER }));
      await socket.opened;
    }
    socket.end();
  });

  it("one ready connection per device: a second login replaces the first with conflict (440), reported at GET /conflicts", async () => {
    const folder = folders.path("conflict");
    const first = track(await linkRaw(sim, folder, { version: NEWER }));
    const before = Date.now();
    const replaced = sim.waitFor("replaced");
    const second = track(await rawSocket(folder, { version: NEWER }));
    await second.opened;
    expect(await first.closed).toBe(440);
    const event = await replaced;
    expect(event.byConnectionId).not.toBe(event.connectionId);
    const ready = sim.state().connections.filter((connection) => connection.phase === "ready");
    expect(ready.map((connection) => connection.deviceJid)).toEqual([event.deviceJid]);

    // seen from outside: the device, when, both connection ids, and two logged in at once
    const answer = await call("GET", "/conflicts");
    expect(answer.status).toBe(200);
    const report = answer.body as unknown as ConflictReport;
    expect(report.conflicts.filter((conflict) => conflict.deviceJid === event.deviceJid)).toEqual([
      {
        deviceJid: event.deviceJid,
        at: expect.any(Number),
        replacedConnectionId: event.connectionId,
        byConnectionId: event.byConnectionId,
      },
    ]);
    expect(report.conflicts.at(-1)?.at).toBeGreaterThanOrEqual(before);
    expect(report.maxConcurrentLogins[event.deviceJid]).toBe(2);
    expect(sim.conflicts()).toEqual(report);
    second.end();
  });

  it("logins of a device that never overlap are no conflict: at most 1 at once", async () => {
    const folder = folders.path("one-at-a-time");
    const linked = sim.waitFor("login");
    const first = track(await linkRaw(sim, folder, { version: NEWER }));
    const { deviceJid, connectionId } = await linked;
    const gone = sim.waitFor("disconnect", (event) => event.connectionId === connectionId);
    first.end();
    await gone;
    const login = sim.waitFor("login");
    const again = track(await rawSocket(folder, { version: NEWER }));
    await again.opened;
    expect((await login).deviceJid).toBe(deviceJid);
    const { conflicts, maxConcurrentLogins } = sim.conflicts();
    expect(conflicts.filter((conflict) => conflict.deviceJid === deviceJid)).toEqual([]);
    expect(maxConcurrentLogins[deviceJid]).toBe(1);
    again.end();
  });

  it("blackhole: the socket stays open, nothing is answered, keep-alive notices; new connections hang until it ends", async () => {
    const folder = folders.path("blackhole");
    const socket = track(await linkRaw(sim, folder, { version: NEWER, keepAliveIntervalMs: 1_000 }));
    const swallowedPing = sim.waitFor("blackholed-frame", ({ tag }) => tag === "iq");
    const state = await call("POST", "/faults/blackhole", { seconds: 9 });
    const until = Number(state.body.blackholeUntil);
    expect(until).toBeGreaterThan(Date.now());
    const started = Date.now();
    // the library's keep-alive ping vanished, and the library itself gave up with 408 (connectionLost)
    await swallowedPing;
    expect(await socket.closed).toBe(408);
    // Baileys checks once per interval and gives up after interval + 5 s of silence, inside the window
    expect(Date.now() - started).toBeLessThan(9_000);

    // a login during the window gets no answer at all: no open, no failure, until the window ends
    expect(sim.state().faults.blackholeUntil).toBe(until);
    let hasOpened = false;
    const lateHeld = sim.waitFor("upgrade-held");
    const late = track(await rawSocket(folder, { version: NEWER }));
    await lateHeld;
    void late.opened.then(() => {
      hasOpened = true;
    });
    expect(await late.closed).toBe(408);
    expect(hasOpened).toBe(false);
    // cut when the window ended (timer granularity aside), not answered earlier
    expect(Date.now()).toBeGreaterThanOrEqual(until - 20);
    expect(sim.state().faults.blackholeUntil).toBeNull();
    const recovered = track(await rawSocket(folder, { version: NEWER }));
    await recovered.opened;
    recovered.end();
  });

  it("answers 400 naming the field for bad fault input", async () => {
    expect(await call("POST", "/faults/login-failure", { reason: 404 })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^reason: /) },
    });
    expect(await call("POST", "/faults/login-failure", { reason: 403, count: 0 })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^count: /) },
    });
    expect(await call("POST", "/faults/blackhole", { seconds: -1 })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^seconds: /) },
    });
    expect(await call("POST", "/faults/wa-web", { mode: "slow" })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^mode: /) },
    });
    expect(sim.state().faults).toMatchObject({ loginFailure: null, waWeb: "normal" });
  });

  it("closing the simulator during a blackhole cuts the connections it held, at once", async () => {
    const other = await startSimulator({ port: 0 });
    pointLibraryAt(other.wsUrl);
    try {
      other.faults.blackhole(600);
      const isHeld = other.waitFor("upgrade-held");
      const held = await rawSocket(folders.path("held"));
      await isHeld;
      await other.close();
      expect(await held.closed).toBe(408);
    } finally {
      pointLibraryAt(sim.wsUrl);
    }
  });

  it("without a minimum, sw.js serves the bundled version and nothing is gated", async () => {
    const plain = await startSimulator({ port: 0 });
    try {
      expect(plain.state().waWeb).toEqual({ minimum: null, served: bundled.join(".") });
      await expect(startSimulator({ port: 0, minWaVersion: "2.3000" })).rejects.toThrow(
        /2\.3000\.1030000000/,
      );
    } finally {
      await plain.close();
    }
  });
});
