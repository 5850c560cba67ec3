/**
 * The outbox through server-side trouble other than plain drops: an outage where the server
 * refuses every connection for seconds, stream errors (515 restart, 440 replaced), and acks slower
 * than the ack timeout. In each, every message must arrive as one message (by WhatsApp id),
 * the credentials must survive, and the session must end connected.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { burstRecipient, countReaching } from "../outbox-harness.js";
import {
  linkSession,
  outboxDrained,
  expectShownOnce,
  outboxTexts,
  receivedByContacts,
  SESSION_ID,
  type SimulatedKabar,
  sessionReaches,
  startSimulatedKabar,
} from "../outbox-simulated.js";

let harness: SimulatedKabar | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

async function expectAllArrivedOnce(current: SimulatedKabar, total: number): Promise<void> {
  await outboxDrained(current.kabar);
  const copies = receivedByContacts(current.simulator);
  const received = copies.map((message) => message.id);
  const sent = await outboxTexts(current.kabar);
  const ids = sent.map((message) => message.id);
  expect(ids).toHaveLength(total);
  expect(expectShownOnce(sent, copies)).toBe(0);
  expect(received.sort()).toEqual(ids.sort());
  expect(existsSync(path.join(current.sessionsDir, SESSION_ID, "creds.json"))).toBe(true);
  await sessionReaches(current.kabar, (status) => status.state === "connected");
}

describe("the outbox through server trouble", () => {
  it("holds a burst through a 3 s outage and delivers it after", async () => {
    harness = await startSimulatedKabar();
    await linkSession(harness);
    const { simulator, kabar } = harness;
    let arrivals = 0;
    simulator.on("message", ({ isDuplicate }) => {
      if (isDuplicate) return;
      arrivals += 1;
      if (arrivals === 20) {
        simulator.faults.refuse(3);
        simulator.faults.drop();
      }
    });
    const refused = simulator.waitFor("refused");
    const allSent = countReaching(kabar.events, "sent", 60, 120_000);
    for (let index = 0; index < 60; index += 1) {
      await kabar.messages.send({ to: burstRecipient(index), message: `Outage #${index}` });
    }
    await refused;
    await allSent;
    await expectAllArrivedOnce(harness, 60);
  });

  it("delivers a burst through repeated 515 restart-required stream errors", async () => {
    harness = await startSimulatedKabar();
    await linkSession(harness);
    const { simulator, kabar } = harness;
    let arrivals = 0;
    simulator.on("message", ({ isDuplicate }) => {
      if (isDuplicate) return;
      arrivals += 1;
      if (arrivals % 15 === 7) simulator.faults.streamError("restart-required");
    });
    const allSent = countReaching(kabar.events, "sent", 90, 120_000);
    for (let index = 0; index < 90; index += 1) {
      await kabar.messages.send({ to: burstRecipient(index), message: `Stream #${index}` });
    }
    await allSent;
    await expectAllArrivedOnce(harness, 90);
  });

  it("keeps the queue when another client takes the session over (440), and sends after connect", async () => {
    harness = await startSimulatedKabar({ settings: { minGapMs: 300, maxGapMs: 300 } });
    await linkSession(harness);
    const { simulator, kabar } = harness;
    const firstArrived = simulator.waitFor("message");
    for (let index = 0; index < 5; index += 1) {
      await kabar.messages.send({ to: burstRecipient(index), message: `Replaced #${index}` });
    }
    await firstArrived;
    const replaced = sessionReaches(kabar, (status) => status.state === "replaced");
    simulator.faults.streamError("conflict");
    expect((await replaced).reason).toMatch(/replaced/i);
    const counts = await kabar.messages.countByStatus();
    expect(counts.failed).toBe(0);
    expect(counts.queued + counts.sending).toBeGreaterThan(0);
    // Core does not fight another client for the session: sending waits for an explicit connect.
    await kabar.sessions.connect();
    await expectAllArrivedOnce(harness, 5);
  });

  it("re-sends with the same id while acks lag behind the ack timeout, and still sends each once", async () => {
    harness = await startSimulatedKabar({ kabar: { ackTimeoutMs: 300 } });
    await linkSession(harness);
    const { simulator, kabar } = harness;
    simulator.faults.acks("delay", 500);
    const allSent = countReaching(kabar.events, "sent", 20, 120_000);
    for (let index = 0; index < 20; index += 1) {
      await kabar.messages.send({ to: burstRecipient(index), message: `Slow #${index}` });
    }
    await allSent;
    simulator.faults.acks("normal");
    const received = receivedByContacts(simulator);
    expect(received.some((message) => message.count > 1)).toBe(true);
    await expectAllArrivedOnce(harness, 20);
  });
});
