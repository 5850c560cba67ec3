import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConflictReport, startSimulator, type WhatsAppSimulator } from "../src/index.js";
import { pointLibraryAt, resetLibraryPointer } from "../src/point-library.js";
import { linkRaw, type RawSocket, rawSocket, tempFolder } from "./raw-socket.js";

// Two copies of one device's credentials logging in: what a split-brain cluster would do.
describe("the conflict report: concurrent logins of one device, seen from outside", () => {
  let sim: WhatsAppSimulator;
  const folders = tempFolder("kabar-sim-conflicts-");
  const open: RawSocket[] = [];
  const track = (socket: RawSocket) => {
    open.push(socket);
    return socket;
  };
  const report = async (): Promise<ConflictReport> => {
    const response = await fetch(`${sim.controlUrl}/conflicts`);
    expect(response.status).toBe(200);
    return (await response.json()) as ConflictReport;
  };

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    pointLibraryAt(sim.wsUrl);
  });
  afterAll(async () => {
    for (const socket of open) socket.end();
    await sim.close();
    resetLibraryPointer();
    folders.remove();
  });

  it("reports nothing while logins of a device never overlap", async () => {
    const folder = folders.path("one-at-a-time");
    const first = track(await linkRaw(sim, folder));
    const gone = sim.waitFor("disconnect", ({ deviceJid }) => deviceJid !== undefined);
    first.end();
    await gone;
    const again = track(await rawSocket(folder));
    await again.opened;
    const { conflicts, maxConcurrentLogins } = await report();
    expect(conflicts).toEqual([]);
    expect(Object.values(maxConcurrentLogins)).toEqual([1]);
    again.end();
  });

  it("a second socket on the same credentials is a conflict: device, when, both connection ids, and 2 at once", async () => {
    const folder = folders.path("twice");
    const first = track(await linkRaw(sim, folder));
    const before = Date.now();
    const replaced = sim.waitFor("replaced");
    const second = track(await rawSocket(folder));
    await second.opened;
    expect(await first.closed).toBe(440);
    const event = await replaced;
    const { conflicts, maxConcurrentLogins } = await report();
    expect(conflicts).toEqual([
      {
        deviceJid: event.deviceJid,
        at: expect.any(Number),
        replacedConnectionId: event.connectionId,
        byConnectionId: event.byConnectionId,
      },
    ]);
    expect(conflicts[0]?.at).toBeGreaterThanOrEqual(before);
    expect(maxConcurrentLogins[event.deviceJid]).toBe(2);
    // the same report in process, for harnesses that hold the simulator
    expect(sim.conflicts()).toEqual({ conflicts, maxConcurrentLogins });
    second.end();
  });
});
