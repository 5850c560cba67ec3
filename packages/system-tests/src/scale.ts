/**
 * FAULT_SCALE picks the burst sizes: "ci" keeps the whole suite well under five minutes on two
 * loaded cores, "full" runs the counts issue 7 names. Anything else is a mistake worth stopping on.
 */
export type FaultScale = "ci" | "full";

export function faultScale(value = process.env.FAULT_SCALE ?? "ci"): FaultScale {
  if (value === "ci" || value === "full") return value;
  throw new Error(`FAULT_SCALE must be "ci" or "full", got "${value}"`);
}

/** The ci count or the full count, by FAULT_SCALE. */
export function scaled(ci: number, full: number): number {
  return faultScale() === "full" ? full : ci;
}
