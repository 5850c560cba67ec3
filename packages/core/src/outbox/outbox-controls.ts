import type { OutboxService, OutboxState } from "../contract.js";
import { parseInput } from "../session/parse-input.js";
import { pauseOutboxInput } from "../schemas.js";
import type { OutboxWorker } from "./outbox-worker.js";
import { DEFAULT_PAUSE_REASON } from "./detail-codes.js";

/** Pause and resume the whole outbox by hand; the worker stores the pause so a restart keeps it. */
export function createOutboxControls(worker: OutboxWorker): OutboxService {
  const state = (): OutboxState => {
    const reason = worker.pausedDescribed();
    return {
      pausedReason: reason?.detail ?? null,
      pausedCode: reason?.code ?? null,
      pausedParams: reason?.params ?? null,
      isPausedByHand: worker.isPausedByHand(),
    };
  };
  return {
    state,
    async pause(input = {}) {
      const { reason } = parseInput(pauseOutboxInput, input);
      await worker.pauseByHand(reason ?? DEFAULT_PAUSE_REASON);
      return state();
    },
    async resume() {
      await worker.resumeByHand();
      return state();
    },
  };
}
