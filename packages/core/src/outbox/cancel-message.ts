import type { MessageRecord } from "../contract.js";
import { MessageNotCancellableError } from "../errors.js";
import type { createMessageRecords } from "./message-records.js";
import { described } from "./detail-codes.js";
import { eventFor } from "./described-columns.js";
import { changeStatus, type OutboxDependencies } from "./outbox-context.js";

const CANCELLABLE = ["queued", "held"] as const;

/**
 * Cancels a message that has not gone out: queued or held. The change is conditional on those
 * statuses, so a message the worker claimed a moment ago is refused rather than cancelled mid-send.
 */
export async function cancelMessage(
  deps: Pick<OutboxDependencies, "repository" | "events" | "clock">,
  records: ReturnType<typeof createMessageRecords>,
  id: string,
  why: "cancelled_by_hand" | "broadcast_paused" | "broadcast_cancelled" = "cancelled_by_hand",
): Promise<MessageRecord> {
  const record = await records.require(id);
  const cancelled = await changeStatus(deps, record, {
    from: CANCELLABLE,
    data: { status: "cancelled", failedAt: null },
    event: eventFor("cancelled", described(why, {})),
    publish: "cancelled",
  });
  if (!cancelled) {
    const now = await records.require(id);
    throw new MessageNotCancellableError(id, now.status);
  }
  return records.require(id);
}
