import { getSession, sendTextMessage, startSession } from "wa-multi-session";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ACCOUNT_NUMBER } from "../src/index.js";
import { createHarness, firstAppStateSync, type Harness, nextLibraryEvent } from "./library-harness.js";

const sessionId = "pairing-code";

describe("link by phone number (pairing code) at the Baileys level", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createHarness();
  });
  afterAll(async () => harness.cleanup());

  it("links when the phone types the code the socket's requestPairingCode returned", async () => {
    harness.track(sessionId);
    // wa-multi-session's startSessionWithPairingCode cannot complete (README); the session's own Baileys
    // socket can, once it is registering (i.e. after its first QR)
    const qr = nextLibraryEvent("qr", sessionId);
    const connected = nextLibraryEvent("connected", sessionId);
    await startSession(sessionId, { printQR: false });
    await qr;
    const requested = harness.sim.waitFor("pairing-code-requested");
    const code = await getSession(sessionId)?.requestPairingCode(DEFAULT_ACCOUNT_NUMBER);
    expect((await requested).number).toBe(DEFAULT_ACCOUNT_NUMBER);

    await expect(harness.sim.phone.enterCode("WRONGCOD")).rejects.toThrow(/does not match/);
    const { deviceJid } = await harness.sim.phone.enterCode(code ?? "");
    await connected;
    await firstAppStateSync(sessionId);
    expect(harness.sim.state().devices).toEqual([
      expect.objectContaining({ jid: deviceJid, isConnected: true }),
    ]);

    await sendTextMessage({ sessionId, to: "6281299990006", text: "ditautkan dengan kode" });
    const [message] = await harness.sim.waitForMessages("6281299990006", 1);
    expect(message?.text).toBe("ditautkan dengan kode");
  });
});
