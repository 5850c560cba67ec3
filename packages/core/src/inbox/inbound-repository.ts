/**
 * Every database access for messages contacts sent. Only this file of the inbox imports Prisma.
 */
import type { Prisma, PrismaClient } from "@kabar/db";
import type { InboundMessageRecord } from "../contract.js";
import type { IncomingMessage } from "../whatsapp/port.js";

export const inboundSelect = {
  id: true,
  waMessageId: true,
  fromPhone: true,
  fromLid: true,
  type: true,
  text: true,
  caption: true,
  mimeType: true,
  receivedAt: true,
  readAt: true,
  isOffline: true,
  createdAt: true,
} satisfies Prisma.InboundMessageSelect;

type InboundRow = Prisma.InboundMessageGetPayload<{ select: typeof inboundSelect }>;

const TYPES: readonly InboundMessageRecord["type"][] = ["text", "image", "document", "other"];

export function toInboundRecord(row: InboundRow): InboundMessageRecord {
  return {
    id: row.id,
    waMessageId: row.waMessageId,
    from: row.fromPhone,
    fromLid: row.fromLid,
    type: TYPES.find((type) => type === row.type) ?? "other",
    text: row.text,
    caption: row.caption,
    mimeType: row.mimeType,
    receivedAt: row.receivedAt.toISOString(),
    isOffline: row.isOffline,
    readAt: row.readAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export type InboundRepository = ReturnType<typeof createInboundRepository>;

export function createInboundRepository(db: PrismaClient) {
  return {
    /**
     * Stores the message unless its WhatsApp id is already there: a message flushed again after a
     * reconnect, or re-delivered after a retry, is the same message.
     */
    async storeOnce(message: IncomingMessage): Promise<InboundMessageRecord | null> {
      const data = {
        waMessageId: message.messageId,
        sessionId: message.sessionId,
        fromPhone: message.from,
        fromLid: message.fromLid,
        type: message.type,
        text: message.text,
        caption: message.caption,
        mimeType: message.mimeType,
        receivedAt: message.at,
        isOffline: message.isOffline,
      } satisfies Prisma.InboundMessageCreateInput;
      // the first stored copy wins, a second delivery changes nothing (and is not answered again)
      const existing = await db.inboundMessage.findUnique({
        where: { waMessageId: message.messageId },
        select: { id: true },
      });
      if (existing) return null;
      return toInboundRecord(await db.inboundMessage.create({ data, select: inboundSelect }));
    },

    async list(options: { from?: string; cursor?: string; limit: number }) {
      const cursorRow = options.cursor
        ? await db.inboundMessage.findUnique({
            where: { id: options.cursor },
            select: { receivedAt: true, id: true },
          })
        : null;
      const rows = await db.inboundMessage.findMany({
        where: {
          ...(options.from ? { fromPhone: options.from } : {}),
          ...(cursorRow
            ? {
                OR: [
                  { receivedAt: { lt: cursorRow.receivedAt } },
                  { receivedAt: cursorRow.receivedAt, id: { lt: cursorRow.id } },
                ],
              }
            : {}),
        },
        orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
        take: options.limit + 1,
        select: inboundSelect,
      });
      return { rows: rows.map(toInboundRecord), isCursorKnown: !options.cursor || cursorRow !== null };
    },
  };
}
