import { type MessageStatus, messageStatusSchema } from "../schemas.js";
import type { AckStatus } from "../whatsapp/port.js";
import { described } from "./detail-codes.js";
import { eventFor, lastErrorFor } from "./described-columns.js";
import { interruptibleDelay } from "./interruptible-delay.js";
import { ACK_RANK as RANK } from "./ack-write.js";
import { changeStatus, type OutboxDependencies, publishStatus } from "./outbox-context.js";

const FIRST_RETRY_DELAY_MS = 250;
const MAX_RETRY_DELAY_MS = 10_000;
const TARGET: Record<AckStatus, "sent" | "delivered" | "read"> = {
  server_ack: "sent",
  delivered: "delivered",
  read: "read",
};

/**
 * Moves messages forward on WhatsApp's acks, by WhatsApp id, whenever they come — also for
 * messages sent before a restart. Acks are applied one at a time: a "read" overtaking its
 * "delivered" must not be overwritten by it. settled() resolves once every ack so far is written.
 */
export function applyAcks(
  deps: Pick<OutboxDependencies, "repository" | "events" | "clock" | "port" | "logger">,
): { off: () => void; settled: () => Promise<void> } {
  let chain: Promise<void> = Promise.resolve();
  let isOff = false;
  let endWait: (() => void) | null = null;
  const offAck = deps.port.on("ack", ({ messageId, status }) => {
    chain = chain.then(() => applyUntilWritten(messageId, TARGET[status]));
  });
  function off(): void {
    isOff = true;
    offAck();
    endWait?.();
  }
  return { off, settled: () => chain };

  /** An ack that cannot be written now (the database is locked, say) is written later: dropping it
   * would leave its message in "sending" for good. Later acks wait behind it, so order holds. */
  async function applyUntilWritten(messageId: string, target: "sent" | "delivered" | "read"): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await applyAck(messageId, target);
        return;
      } catch (error) {
        if (isOff) {
          deps.logger.error({ err: error, messageId }, "could not record a WhatsApp ack");
          return;
        }
        const delay = Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** attempt);
        deps.logger.warn(
          { err: error, messageId },
          `could not record a WhatsApp ack; retrying in ${delay} ms`,
        );
        const wait = interruptibleDelay(delay);
        endWait = wait.cut;
        await wait.done;
        endWait = null;
      }
    }
  }

  async function applyAck(waMessageId: string, target: "sent" | "delivered" | "read"): Promise<void> {
    const event = { status: target, detail: null };
    const moved = await deps.repository.moveOnAck(waMessageId, target, new Date(deps.clock.now()));
    if (moved) {
      // Not in one transaction with the update, as in every transition (outbox-repository.ts).
      if (moved.impliesDelivered) await recordImpliedDelivery(moved);
      await deps.repository.addTimeline(moved.id, event);
      publishStatus(deps, moved, { publish: target, event });
      return;
    }
    const row = await deps.repository.findByWaMessageId(waMessageId);
    if (!row) return;
    const current = toStatus(row.status);
    // A failed message that WhatsApp acks after all was sent: reality wins over our timeout.
    if (RANK[current] >= RANK[target] && current !== "failed") return;
    const at = new Date(deps.clock.now());
    const impliesDelivered = target === "read" && row.deliveredAt === null;
    const applied = await changeStatus(deps, row, {
      from: [current],
      data: {
        status: target,
        sentAt: row.sentAt ?? at,
        ...(target === "delivered" ? { deliveredAt: at } : {}),
        // Baileys merges a delivered and a read receipt that arrive together into "read" alone.
        ...(target === "read" ? { readAt: at, deliveredAt: row.deliveredAt ?? at } : {}),
        ...(current === "failed" ? { failedAt: null, ...lastErrorFor(null) } : {}),
      },
      // The delivered line goes first, with the change; the read line follows it.
      event: impliesDelivered ? IMPLIED_DELIVERY : { status: target, detail: null },
      publish: impliesDelivered ? "delivered" : target,
    });
    if (applied && impliesDelivered) {
      await deps.repository.addTimeline(row.id, event);
      publishStatus(deps, row, { publish: target, event });
    }
  }

  /** A read message was delivered: its timeline and listeners (waitFor "delivered") hear so. */
  async function recordImpliedDelivery(moved: { id: string; to: string }): Promise<void> {
    await deps.repository.addTimeline(moved.id, IMPLIED_DELIVERY);
    publishStatus(deps, moved, { publish: "delivered", event: IMPLIED_DELIVERY });
  }
}

/** The line for a delivery WhatsApp told only through its read receipt. */
const IMPLIED_DELIVERY = eventFor("delivered" as const, described("delivered_by_read", {}));

export function toStatus(value: string): MessageStatus {
  const parsed = messageStatusSchema.safeParse(value);
  return parsed.success ? parsed.data : "queued";
}
