/**
 * Shared by the burst tests and the child process they kill: no vitest import here, because the
 * child runs outside vitest and vitest's hooks throw when registered there.
 */
import type { Settings } from "../src/contract.js";

export const NO_PACING: Partial<Settings> = { minGapMs: 0, maxGapMs: 0, perRecipientGapMs: 0, dailyCap: 0 };

/** Twelve recipients in turn, so a burst looks like registrations rather than one chat. */
export function burstRecipient(index: number): string {
  return `0812${String(1000_0000 + (index % 12)).padStart(8, "0")}`;
}
