/**
 * (4a) connect → first QR event, and (5) socket drop → connected again, in-process on createKabar
 * and the simulator. Each is timed from the action to core's session.state event.
 */
import type { CreateKabarOptions, Kabar } from "@kabar/core";
import { SESSION_ID, type SimulatedKabar, sessionReaches } from "@kabar/system-tests";
import { since } from "./stats.js";

export async function connectToFirstQrMs(kabar: Kabar): Promise<number> {
  await kabar.sessions.create({ name: "Bench", sessionId: SESSION_ID });
  const start = performance.now();
  const waitingQr = sessionReaches(kabar, (status) => status.state === "waiting_qr" && status.qr !== null);
  await kabar.sessions.connect();
  await waitingQr;
  return since(start);
}

export async function scanShownQr(harness: SimulatedKabar): Promise<void> {
  const { kabar, simulator } = harness;
  const qr = kabar.sessions.status().qr?.value ?? "";
  const connected = sessionReaches(kabar, (status) => status.state === "connected");
  await simulator.phone.scan(qr);
  await connected;
}

export async function reconnectAfterDropMs(harness: SimulatedKabar, times: number): Promise<number[]> {
  const { kabar, simulator } = harness;
  const samples: number[] = [];
  for (let index = 0; index < times; index += 1) {
    // Listen for the state leaving connected first, then for it coming back.
    const left = sessionReaches(kabar, (status) => status.state !== "connected");
    const start = performance.now();
    simulator.faults.drop();
    await left;
    await sessionReaches(kabar, (status) => status.state === "connected");
    samples.push(since(start));
  }
  return samples;
}

type ReconnectOptions = NonNullable<CreateKabarOptions["reconnect"]>;
/** What the harness uses (simulated-kabar.ts), so tests of drops run fast. */
export const TEST_RECONNECT: Required<ReconnectOptions> = { initialDelayMs: 20, maxDelayMs: 200 };

/** Production's reconnect policy (core's defaults, reconnect-backoff.ts): first delay ≤ 1 s, cap 60 s. */
export const PRODUCTION_RECONNECT: Required<ReconnectOptions> = { initialDelayMs: 1_000, maxDelayMs: 60_000 };

/** Restarts the harness's Kabar on the same files with another reconnect policy; resolves once connected again. */
export async function restartWithReconnect(
  harness: SimulatedKabar,
  reconnect: ReconnectOptions,
): Promise<void> {
  const kabar = await harness.restart({ reconnect });
  await sessionReaches(kabar, (status) => status.state === "connected", 60_000);
}
