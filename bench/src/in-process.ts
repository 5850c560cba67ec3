/**
 * (4a), (1), (5) in-process on one linked session: connect → first QR, the send path against the
 * direct library call, and reconnects after a socket drop under the tests' and production's policy.
 */
import { startSimulatedKabar } from "@kabar/system-tests";
import { benchSendPath, type SendPathResult, sendPathRows } from "./send-path.js";
import {
  connectToFirstQrMs,
  PRODUCTION_RECONNECT,
  reconnectAfterDropMs,
  restartWithReconnect,
  scanShownQr,
  TEST_RECONNECT,
} from "./session-timings.js";
import { median } from "./stats.js";

export interface InProcessResult {
  firstQrMs: number;
  sendPath: SendPathResult;
  reconnects: { policy: string; production: boolean; samples: number[]; median: number }[];
}

const policyText = (policy: { initialDelayMs: number; maxDelayMs: number }) =>
  `backoff ${policy.initialDelayMs} ms / ${policy.maxDelayMs} ms`;

export async function benchInProcess(
  size: { sequential: number; images: number; burst: number; drops: number },
  log: (line: string) => void,
): Promise<InProcessResult> {
  const harness = await startSimulatedKabar();
  try {
    const firstQrMs = await connectToFirstQrMs(harness.kabar);
    await scanShownQr(harness);
    log(`connect → first QR: ${Math.round(firstQrMs)} ms`);
    const sendPath = await benchSendPath(harness.kabar, harness.simulator, size);
    const { text } = sendPath;
    log(
      `send path, text: server ack core p50 ${text.core.serverAck.p50} ms vs direct ${text.direct.serverAck.p50} ms; decrypted ${text.core.decrypted.p50} vs ${text.direct.decrypted.p50} ms`,
    );
    const reconnects: InProcessResult["reconnects"] = [];
    // the harness's test policy first, then production's on the same linked files
    for (const policy of [TEST_RECONNECT, PRODUCTION_RECONNECT]) {
      const production = policy === PRODUCTION_RECONNECT;
      if (production) await restartWithReconnect(harness, policy);
      const samples = (await reconnectAfterDropMs(harness, size.drops)).map(Math.round);
      reconnects.push({
        policy: policyText(policy),
        production,
        samples,
        median: Math.round(median(samples)),
      });
      log(`reconnect after drop (${policyText(policy)}): ${samples.join(", ")} ms`);
    }
    return { firstQrMs, sendPath, reconnects };
  } finally {
    await harness.close();
  }
}

export function inProcessRows(result: InProcessResult): [string, string, string][] {
  return [
    ...sendPathRows(result.sendPath),
    ["4 connect → first QR event", `${Math.round(result.firstQrMs)} ms`, "core event"],
    ...result.reconnects.map((run): [string, string, string] => [
      "5 socket drop → connected",
      `median ${run.median} ms (${run.samples.join(", ")})`,
      `${run.policy}${run.production ? " (production)" : " (tests' harness)"}`,
    ]),
  ];
}
