import type { MessageRecord } from "../contract.js";
import { MessageNotCancellableError } from "../errors.js";
import type { createMessageRecords } from "./message-records.js";
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
): Promise<MessageRecord> {
  const record = await records.require(id);
  const cancelled = await changeStatus(deps, record, {
    from: CANCELLABLE,
    data: { status: "cancelled", failedAt: null },
    event: { status: "cancelled", detail: "cancelled by hand" },
    publish: "cancelled",
  });
  if (!cancelled) {
    const now = await records.require(id);
    throw new MessageNotCancellableError(id, now.status);
  }
  return records.require(id);
}
