/**
 * Helpers for the inbound-message tests: reading back what Kabar stored, and waiting for it.
 */
import type { InboundMessageRecord, Kabar } from "../src/contract.js";

/** Every stored inbound message, oldest first. */
export async function allInbound(kabar: Kabar): Promise<InboundMessageRecord[]> {
  const items: InboundMessageRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await kabar.messages.inbound({ limit: 100, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items.reverse();
}

/**
 * Resolves once `check` holds. Core publishes no event for a stored inbound message (it is written
 * after the library's upsert, outside any status change), so this looks again every 100 ms — a wait
 * for a condition, with a deadline, never a fixed pause.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
