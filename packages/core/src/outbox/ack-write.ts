/**
 * WhatsApp's acks move a message forward; the common case — the message is behind the ack's status
 * and not failed — is one conditional UPDATE … RETURNING instead of a read and an update. Every
 * message sent takes three of these (server ack, delivered, read), on the same database as the
 * sends behind it: each statement saved is taken off their path (BENCHMARKS.md, figure 8b).
 */
import { directStatements, type PrismaClient, sqlDialect } from "@kabar/db";
import type { MessageStatus } from "../schemas.js";
import { toStoredDate } from "./stored-date.js";

export type AckTarget = "sent" | "delivered" | "read";

/** How far along each status is; an ack never moves a message back. */
export const ACK_RANK: Record<MessageStatus, number> = {
  queued: 0,
  sending: 1,
  held: 1,
  failed: 1,
  cancelled: 1,
  sent: 2,
  delivered: 3,
  read: 4,
};

/** Statuses the one statement moves: behind the target, and not failed (which needs its error cleared). */
function movableTo(target: AckTarget): MessageStatus[] {
  return (Object.keys(ACK_RANK) as MessageStatus[]).filter(
    (status) => ACK_RANK[status] < ACK_RANK[target] && status !== "failed",
  );
}

/** A message the one statement moved; `impliesDelivered`: a read receipt came with no delivery
 * receipt before it (Baileys hands on a delivered and a read that arrive together as "read" alone),
 * so the message was delivered now too — its timeline needs that line, as the user expects. */
export interface MovedOnAck {
  id: string;
  to: string;
  impliesDelivered: boolean;
}

/**
 * The same change the general path makes (apply-acks.ts): sentAt kept or set, deliveredAt set on
 * delivered, readAt set and deliveredAt kept or set on read. Null: no such message in a movable
 * status; the caller then takes the general path, which also handles failed and no-op acks.
 * A read is one statement when the delivery receipt came first (the common case), two otherwise:
 * RETURNING sees only the new row, so whether deliveredAt was empty is asked in the WHERE. The
 * statement is the same on PostgreSQL, only its placeholders differ (sqlDialect).
 */
export async function moveOnAck(
  db: PrismaClient,
  waMessageId: string,
  target: AckTarget,
  at: Date,
): Promise<MovedOnAck | null> {
  const stamp = toStoredDate(at);
  const sets = [`"status" = ?`, `"sentAt" = COALESCE("sentAt", ?)`, `"updatedAt" = ?`];
  const values: unknown[] = [target, stamp, stamp];
  if (target === "delivered") {
    sets.push(`"deliveredAt" = ?`);
    values.push(stamp);
  }
  if (target === "read") {
    sets.push(`"readAt" = ?`, `"deliveredAt" = COALESCE("deliveredAt", ?)`);
    values.push(stamp, stamp);
  }
  const from = movableTo(target);
  const dialect = sqlDialect(db);
  const update = async (condition: string): Promise<{ id: string; to: string } | null> => {
    const rows = await directStatements(db).query<{ id: string; to: string }>(
      dialect.sql(
        `UPDATE "OutboxMessage" SET ${sets.join(", ")} WHERE "waMessageId" = ? AND "status" IN (${from.map(() => "?").join(", ")})${condition} RETURNING "id", "to"`,
      ),
      ...values,
      waMessageId,
      ...from,
    );
    return rows[0] ?? null;
  };
  if (target !== "read") {
    const moved = await update("");
    return moved && { ...moved, impliesDelivered: false };
  }
  const afterDelivery = await update(` AND "deliveredAt" IS NOT NULL`);
  if (afterDelivery) return { ...afterDelivery, impliesDelivered: false };
  const alone = await update(` AND "deliveredAt" IS NULL`);
  return alone && { ...alone, impliesDelivered: true };
}
