import { startSession } from "wa-multi-session";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, library, nextCloseCode, nextLibraryEvent } from "./library-harness.js";

describe("QR refs running out", () => {
  let harness: Harness;
  beforeAll(async () => {
    // Baileys' own timer decides how long a QR lives; shortened here so ten expiries fit in a test
    harness = await createHarness({ qrRefCount: 2, qrTimeoutMs: 50 });
  });
  afterAll(async () => harness.cleanup());

  it("rotates through the refs, ends the socket with 408, and wa-multi-session gives up after 10 retries", async () => {
    const sessionId = "qr-expiry";
    harness.track(sessionId);
    const shown: string[] = [];
    const onQr = (id: string, qr: string) => {
      if (id === sessionId) shown.push(qr.split(",")[0] ?? "");
    };
    library.on("qr", onQr);
    const firstRefs = harness.sim.waitFor("qr-refs");
    const secondQr = nextLibraryEvent("qr", sessionId, () => shown.length === 2);
    const disconnected = nextLibraryEvent("disconnected", sessionId);
    let connections = 0;
    harness.sim.on("connection", () => {
      connections += 1;
    });

    await startSession(sessionId, { printQR: false });
    const firstClose = nextCloseCode(sessionId);
    await secondQr;
    expect(shown.slice(0, 2)).toEqual((await firstRefs).refs);
    expect(await firstClose).toBe(408);

    await disconnected;
    library.off("qr", onQr);
    // the first socket plus ten immediate retries, each showing its own fresh refs
    expect(connections).toBe(11);
    expect(new Set(shown).size).toBe(22);
    expect(harness.sim.state().devices).toEqual([]);
  });
});
