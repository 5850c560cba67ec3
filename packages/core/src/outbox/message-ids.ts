import { randomBytes } from "node:crypto";

/**
 * Public message id: time first so ids sort in the order messages were accepted (useful in
 * logs and cursors), then randomness so two processes never collide. `msg_` + 9 base-36
 * chars of milliseconds (sortable until the year 5188) + 16 hex chars.
 */
export function newMessageId(now: number = Date.now()): string {
  return `msg_${now.toString(36).padStart(9, "0")}${randomBytes(8).toString("hex")}`;
}

/**
 * The WhatsApp message id, in the shape Baileys gives messages from WhatsApp Web ("3EB0" + hex).
 * Fixed when the row is inserted so every retry is the same message for the recipient.
 */
export function newWaMessageId(): string {
  return `3EB0${randomBytes(9).toString("hex").toUpperCase()}`;
}
