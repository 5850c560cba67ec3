/**
 * A burst during which the simulator blackholes the network (shared by the `pnpm test` run and the
 * 60 s fault-suite run): asserts the dead socket is noticed by keep-alive (408) in time, and that
 * every message then reaches its contact once, with its id, decrypted.
 */
import { expect } from "vitest";
import { burstRecipient, countReaching } from "./outbox-harness.js";
import {
  expectDecryptedExactlyOnce,
  outboxDrained,
  type SimulatedKabar,
  sessionReaches,
} from "./outbox-simulated.js";

export async function burstThroughBlackhole(
  current: SimulatedKabar,
  options: { total: number; blackholeAfter: number; seconds: number; detectWithinMs: number },
): Promise<void> {
  const { simulator, kabar } = current;
  let arrivals = 0;
  let blackholeAt = 0;
  simulator.on("message", ({ isDuplicate }) => {
    if (isDuplicate) return;
    arrivals += 1;
    if (arrivals === options.blackholeAfter) {
      simulator.faults.blackhole(options.seconds);
      blackholeAt = Date.now();
    }
  });
  const noticed = sessionReaches(
    kabar,
    (status) => blackholeAt > 0 && status.state !== "connected",
    options.seconds * 1000 + 30_000,
  );
  const allSent = countReaching(kabar.events, "sent", options.total, 300_000);
  for (let index = 0; index < options.total; index += 1) {
    await kabar.messages.send({ to: burstRecipient(index), message: `Half-open #${index}` });
  }
  const lost = await noticed;
  // noticed by the keep-alive (408 connectionLost) while the network still answered nothing
  expect(lost.lastDisconnectReason).toMatch(/408/);
  expect(Date.now() - blackholeAt).toBeLessThanOrEqual(options.detectWithinMs);
  await sessionReaches(kabar, (status) => status.state === "connected", options.seconds * 1000 + 60_000);
  const reconnectedAt = Date.now();
  await allSent;
  // the sends that waited go out right after the reconnect, not after a dead socket's 60 s query timeout
  expect(Date.now() - reconnectedAt).toBeLessThan(30_000);
  await outboxDrained(kabar, 300_000);
  expect(arrivals).toBe(options.total);
  await expectDecryptedExactlyOnce(current, options.total);
}
