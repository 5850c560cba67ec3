import { deleteSession, isExist, sendTextMessage } from "wa-multi-session";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, folderRemoved, type Harness } from "./library-harness.js";

const sessionId = "contacts";

describe("on-WhatsApp checks and a logout the library starts", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createHarness();
    await harness.link(sessionId);
  });
  afterAll(async () => harness.cleanup());

  it("answers registered for any number by default and not registered where configured", async () => {
    harness.sim.contacts.add("6281299990009", { onWhatsApp: false });
    expect(await isExist({ sessionId, to: "6281299990008" })).toBe(true);
    expect(await isExist({ sessionId, to: "6281299990009" })).toBe(false);
    expect(harness.sim.state().contacts).toEqual(
      expect.arrayContaining([
        { number: "6281299990008", onWhatsApp: true, lid: null, messages: 0 },
        { number: "6281299990009", onWhatsApp: false, lid: null, messages: 0 },
      ]),
    );
  });

  it("fails a send to a number that is not on WhatsApp", async () => {
    harness.sim.contacts.add("6281299990010", { onWhatsApp: false });
    await expect(sendTextMessage({ sessionId, to: "6281299990010", text: "halo?" })).rejects.toThrow();
    expect(harness.sim.contacts.messages("6281299990010")).toEqual([]);
  });

  it("records the device as removed when the library logs out (deleteSession)", async () => {
    const removed = harness.sim.waitFor("device-removed");
    await deleteSession(sessionId);
    expect(await removed).toMatchObject({ by: "library" });
    await folderRemoved(harness.sessionDir(sessionId));
    expect(harness.sim.state().devices[0]?.isRemoved).toBe(true);
  });
});
