import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createHarness,
  existsSync,
  folderRemoved,
  type Harness,
  library,
  nextCloseCode,
  nextLibraryEvent,
} from "./library-harness.js";

describe("faults on the connection: stream errors and refused connections", () => {
  let harness: Harness;
  let qrShown = false;
  const onQr = () => {
    qrShown = true;
  };
  // wa-multi-session rm -rf's the credential folder while Baileys may still be writing key files
  // into it: a file created between the removal of the children and the rmdir makes its rmSync fail
  // with ENOTEMPTY as an unhandled error. Node's maxRetries only retries the rmdir, which cannot
  // succeed while that file exists, so the whole removal is tried again. These tests document that
  // the library deletes the credentials (core never lets it), not this race of the library's.
  const rmSync = fs.rmSync;
  beforeAll(async () => {
    fs.rmSync = (target, options) => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return rmSync(target, options);
        } catch (error) {
          const isRace = error instanceof Error && "code" in error && error.code === "ENOTEMPTY";
          if (!isRace || attempt === 20) throw error;
        }
      }
    };
    harness = await createHarness();
  });
  afterAll(async () => {
    fs.rmSync = rmSync;
    library.off("qr", onQr);
    await harness.cleanup();
  });

  it("restart required (515) and conflict (440): the library reconnects at once with its saved credentials", async () => {
    const sessionId = "stream";
    await harness.link(sessionId);
    library.on("qr", onQr);
    for (const [kind, code] of [
      ["restart-required", 515],
      ["conflict", 440],
    ] as const) {
      const closed = nextCloseCode(sessionId);
      const reconnected = nextLibraryEvent("connected", sessionId);
      expect(harness.sim.faults.streamError(kind)).toBe(1);
      expect(await closed).toBe(code);
      await reconnected;
    }
    expect(qrShown).toBe(false);
  });

  it("device removed (401): the library reports disconnected and wa-multi-session deletes the credentials", async () => {
    const sessionId = "stream";
    const closed = nextCloseCode(sessionId);
    const disconnected = nextLibraryEvent("disconnected", sessionId);
    harness.sim.faults.streamError("device-removed");
    expect(await closed).toBe(401);
    await disconnected;
    await folderRemoved(harness.sessionDir(sessionId));
    library.off("qr", onQr);
  });

  it("refusing connections: ten instant retries fail and wa-multi-session wipes the linked device", async () => {
    const sessionId = "refuse";
    await harness.link(sessionId);
    let refused = 0;
    harness.sim.on("refused", () => {
      refused += 1;
    });
    const disconnected = nextLibraryEvent("disconnected", sessionId);
    harness.sim.faults.refuse(5);
    const started = Date.now();
    harness.sim.faults.drop();
    await disconnected;
    // all ten retries happened well inside the 5 s outage: there is no backoff
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(refused).toBe(10);
    await folderRemoved(harness.sessionDir(sessionId));
    expect(existsSync(harness.sessionDir(sessionId))).toBe(false);
  });
});
