/**
 * The burst every in-process fault scenario runs: queue `total` messages (the client retries a
 * refused send with the same idempotency key, bounded), let the fault happen, wait until the outbox
 * has nothing queued or sending and every id arrived, then tally what each recipient received (tally.ts).
 */
import { printTally, receivedByContacts, receivedByNumber, type Tally, tally } from "./tally.js";
import { outboxMessages, recipient, type SimulatedKabar } from "./simulated-kabar.js";
import { outboxDrained } from "./waits.js";

export interface BurstOptions {
  scenario: string;
  total: number;
  /** Called on every first arrival at a contact with how many have arrived; inject the fault here. */
  onArrival?: (arrived: number) => void;
  /** Runs after every message was accepted, before waiting for delivery (e.g. re-link). */
  afterQueued?: () => Promise<void>;
  timeoutMs?: number;
}

export async function runBurst(harness: SimulatedKabar, options: BurstOptions): Promise<Tally> {
  const { simulator } = harness;
  const timeoutMs = options.timeoutMs ?? 90_000;
  let arrived = 0;
  const onMessage = ({ isDuplicate }: { isDuplicate: boolean }) => {
    if (isDuplicate) return;
    arrived += 1;
    options.onArrival?.(arrived);
  };
  simulator.on("message", onMessage);
  try {
    let refusals = 0;
    for (let index = 0; index < options.total; index += 1) {
      // A refused send (e.g. the database is locked) is retried by the client with the same key.
      const giveUpAt = Date.now() + 60_000;
      for (;;) {
        try {
          await harness.kabar.messages.send({
            to: recipient(index),
            message: `${options.scenario} #${index}`,
            idempotencyKey: `${options.scenario}-${index}`,
          });
          break;
        } catch (error) {
          refusals += 1;
          if (Date.now() > giveUpAt) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    }
    if (refusals > 0)
      console.log(`[fault] ${options.scenario}: ${refusals} sends refused and retried by the client`);
    await options.afterQueued?.();
    const allArrived = simulator
      .waitFor("message", () => receivedByContacts(simulator).length >= options.total, timeoutMs)
      .catch(() => undefined);
    if (receivedByContacts(simulator).length < options.total) await allArrived;
    await outboxDrained(harness.kabar, timeoutMs);
  } catch (error) {
    // Say where it stuck: the outbox by status, the session, what arrived.
    const counts = await harness.kabar.messages.countByStatus().catch((reason: unknown) => String(reason));
    const { state, reason } = harness.kabar.sessions.status();
    console.log(
      `[fault] ${options.scenario} stuck: outbox ${JSON.stringify(counts)}, session ${state} (${reason}), ` +
        `${receivedByContacts(simulator).length} of ${options.total} arrived`,
    );
    throw error;
  } finally {
    simulator.off("message", onMessage);
  }
  const result = tally(await outboxMessages(harness.kabar), receivedByNumber(simulator));
  printTally(options.scenario, result);
  return result;
}
