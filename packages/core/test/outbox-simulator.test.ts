/**
 * Sending through the real wa-multi-session + Baileys against the simulator (issue 4, "Sending").
 * One file runs its tests one after another: wa-multi-session keeps module-global state.
 */
import { afterEach, describe, expect, it } from "vitest";
import { countReaching } from "./outbox-harness.js";
import {
  linkSession,
  receivedByContacts,
  type SimulatedKabar,
  startSimulatedKabar,
} from "./outbox-simulated.js";

let harness: SimulatedKabar | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

describe("sending against the simulator", { timeout: 60_000 }, () => {
  it("delivers a small burst once each, in order, with delivered and read receipts", async () => {
    harness = await startSimulatedKabar();
    await linkSession(harness);
    const read = countReaching(harness.kabar.events, "read", 5, 30_000);
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      ids.push((await harness.kabar.messages.send({ to: "0812-3456-7890", message: `Pesan ${index}` })).id);
    }
    await read;
    const received = receivedByContacts(harness.simulator);
    expect(received.map((message) => message.text)).toEqual([0, 1, 2, 3, 4].map((index) => `Pesan ${index}`));
    expect(received.every((message) => message.count === 1)).toBe(true);
    const record = await harness.kabar.messages.get(ids[0] ?? "");
    expect(record).toMatchObject({ status: "read" });
    expect(received[0]?.id).toBe(record?.waMessageId);
  });
});
