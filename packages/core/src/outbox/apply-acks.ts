import { type MessageStatus, messageStatusSchema } from "../schemas.js";
import type { AckStatus } from "../whatsapp/port.js";
import { changeStatus, type OutboxDependencies } from "./outbox-context.js";

const RANK: Record<MessageStatus, number> = {
  queued: 0,
  sending: 1,
  failed: 1,
  sent: 2,
  delivered: 3,
  read: 4,
};
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
  onSent: (latencyMs: number) => void,
): { off: () => void; settled: () => Promise<void> } {
  let chain: Promise<void> = Promise.resolve();
  const off = deps.port.on("ack", ({ messageId, status }) => {
    chain = chain
      .then(() => applyAck(messageId, TARGET[status]))
      .catch((error: unknown) =>
        deps.logger.error({ err: error, messageId }, "could not record a WhatsApp ack"),
      );
  });
  return { off, settled: () => chain };

  async function applyAck(waMessageId: string, target: "sent" | "delivered" | "read"): Promise<void> {
    const row = await deps.repository.findByWaMessageId(waMessageId);
    if (!row) return;
    const current = toStatus(row.status);
    // A failed message that WhatsApp acks after all was sent: reality wins over our timeout.
    if (RANK[current] >= RANK[target] && current !== "failed") return;
    const at = new Date(deps.clock.now());
    const applied = await changeStatus(deps, row, {
      from: [current],
      data: {
        status: target,
        sentAt: row.sentAt ?? at,
        ...(target === "delivered" ? { deliveredAt: at } : {}),
        // Baileys merges a delivered and a read receipt that arrive together into "read" alone.
        ...(target === "read" ? { readAt: at, deliveredAt: row.deliveredAt ?? at } : {}),
        ...(current === "failed" ? { failedAt: null, lastError: null } : {}),
      },
      event: { status: target, detail: null },
      publish: target,
    });
    if (applied && row.sentAt === null) onSent(at.getTime() - row.createdAt.getTime());
  }
}

export function toStatus(value: string): MessageStatus {
  const parsed = messageStatusSchema.safeParse(value);
  return parsed.success ? parsed.data : "queued";
}
