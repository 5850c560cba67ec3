/**
 * Alerts from the real outbox worker on wa-multi-session + Baileys against the simulator: the daily
 * cap holding messages opens one incident.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { AlertRecord } from "../src/contract.js";
import { linkSession, type SimulatedKabar, startSimulatedKabar } from "./outbox-simulated.js";

const CONTACT = "6281277790001";

let harness: SimulatedKabar | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

describe("alerts from the outbox", { timeout: 60_000 }, () => {
  it("a daily cap of 1 with 3 messages queued: one sent, the rest held, one outbox_paused alert", async () => {
    harness = await startSimulatedKabar({ settings: { dailyCap: 1 } });
    await linkSession(harness);
    const { kabar, simulator } = harness;
    simulator.contacts.add(CONTACT, { onWhatsApp: true });
    const alerts: AlertRecord[] = [];
    const held = new Promise<void>((resolve) => {
      kabar.events.on(({ event }) => {
        if (event.type === "alert") alerts.push(event.alert);
        if (event.type === "message.status" && event.message.detail?.startsWith("daily cap")) resolve();
      });
    });
    for (const text of ["BIB 101", "BIB 102", "BIB 103"]) {
      await kabar.messages.send({ to: CONTACT, message: text });
    }
    await held;
    expect(alerts).toMatchObject([
      { kind: "outbox_paused", phase: "raised", reason: expect.stringContaining("daily cap of 1") },
    ]);
    expect(kabar.alerts.open()).toMatchObject([{ kind: "outbox_paused" }]);
    expect(simulator.contacts.messages(CONTACT)).toHaveLength(1);
  });
});
