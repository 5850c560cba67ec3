/** The outbox row as core reads it, and a message as accepted: shared by the repository and its insert path. */
import type { Prisma } from "@kabar/db";

export const outboxRowSelect = {
  seq: true,
  id: true,
  sessionId: true,
  to: true,
  type: true,
  text: true,
  caption: true,
  fileName: true,
  mimeType: true,
  mediaSha256: true,
  status: true,
  waMessageId: true,
  attempts: true,
  failedAttempts: true,
  nextAttemptAt: true,
  createdAt: true,
  sentAt: true,
  deliveredAt: true,
} satisfies Prisma.OutboxMessageSelect;

export type OutboxRow = Prisma.OutboxMessageGetPayload<{ select: typeof outboxRowSelect }>;

export interface NewOutboxMessage {
  id: string;
  /** From the outbox's clock, which pacing and the daily cap compare against. */
  acceptedAt: Date;
  waMessageId: string;
  idempotencyKey: string | null;
  sessionId: string;
  to: string;
  type: "text" | "image" | "document";
  text: string | null;
  caption: string | null;
  fileName: string | null;
  mimeType: string | null;
  /** The media file's name in the media store; the bytes are never in the row. */
  mediaSha256: string | null;
  mediaSize: number | null;
  /**
   * Handed straight to an idle worker (worker-hand-off.ts): inserted already claimed, "sending" with
   * its first attempt counted and both timeline lines, in the same commit. A crash after it is a
   * crash after a claim: start-up re-queues it with the same WhatsApp id.
   */
  claimed?: boolean;
}
