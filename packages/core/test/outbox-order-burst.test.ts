/**
 * A mixed burst to 20 recipients through socket drops, against the simulator: nothing lost, nothing
 * doubled, each recipient's messages in the order they were queued. FAULT_SCALE=ci (the default, in
 * `pnpm test`) runs 200 messages and 4 drops; FAULT_SCALE=full (`pnpm test:faults`) 1,000 and 10.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Kabar } from "../src/contract.js";
import { countReaching } from "./outbox-harness.js";
import {
  expectDecryptedExactlyOnce,
  linkSession,
  type SimulatedKabar,
  sessionReaches,
  startSimulatedKabar,
} from "./outbox-simulated.js";

const scale = process.env.FAULT_SCALE ?? "ci";
if (scale !== "ci" && scale !== "full") throw new Error(`FAULT_SCALE must be "ci" or "full", got "${scale}"`);
const TOTAL = scale === "full" ? 1000 : 200;
const DROPS = scale === "full" ? 10 : 4;
const RECIPIENTS = 20;

let harness: SimulatedKabar | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

/** Each recipient's WhatsApp ids in the order they were queued. */
async function queuedOrderByRecipient(kabar: Kabar): Promise<Map<string, string[]>> {
  const rows: { to: string; id: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await kabar.messages.list({ limit: 100, ...(cursor ? { cursor } : {}) });
    rows.push(...page.items.map((item) => ({ to: item.to, id: item.waMessageId })));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const order = new Map<string, string[]>();
  for (const row of rows.reverse()) order.set(row.to, [...(order.get(row.to) ?? []), row.id]);
  return order;
}

describe("a mixed burst with socket drops", { timeout: 600_000 }, () => {
  it(`delivers ${TOTAL} messages to ${RECIPIENTS} recipients through ${DROPS} drops, once each, in order per recipient`, async () => {
    harness = await startSimulatedKabar();
    await linkSession(harness);
    const { simulator, kabar } = harness;
    const arrivalOrder = new Map<string, string[]>();
    let arrivals = 0;
    let drops = 0;
    const every = Math.floor(TOTAL / (DROPS + 1));
    simulator.on("message", ({ number, message, isDuplicate }) => {
      if (isDuplicate) return;
      arrivalOrder.set(number, [...(arrivalOrder.get(number) ?? []), message.id]);
      arrivals += 1;
      if (arrivals % every === 0 && drops < DROPS) {
        drops += 1;
        simulator.faults.drop();
      }
    });
    const allSent = countReaching(kabar.events, "sent", TOTAL, 540_000);
    // Mixed: recipients in an irregular pattern, so heads of many recipients wait together.
    for (let index = 0; index < TOTAL; index += 1) {
      const recipient = (index * 7 + Math.floor(index / 3)) % RECIPIENTS;
      await kabar.messages.send({
        to: `0812999906${String(recipient).padStart(2, "0")}`,
        message: `Campur #${index} untuk ${recipient}`,
      });
    }
    await allSent;

    expect(drops).toBe(DROPS);
    await expectDecryptedExactlyOnce(harness, TOTAL);
    expect(arrivalOrder).toEqual(await queuedOrderByRecipient(kabar));
    expect(arrivalOrder.size).toBe(RECIPIENTS);
    expect(await kabar.messages.countByStatus()).toMatchObject({ queued: 0, sending: 0, failed: 0, held: 0 });
    await sessionReaches(kabar, (status) => status.state === "connected");
  });
});
