/**
 * The inbox's reads and its one write (read marks). Contacts are grouped in SQL, so a long history
 * costs one grouped query, not a scan in memory.
 */
import type { PrismaClient } from "@kabar/db";
import type { InboxContact, InboxThreadEntry } from "../contract.js";
import { toStatus } from "../outbox/apply-acks.js";
import { inboundSelect, toInboundRecord } from "./inbound-repository.js";

export type InboxRepository = ReturnType<typeof createInboxRepository>;

export function createInboxRepository(db: PrismaClient) {
  /** A sender WhatsApp named only by LID is listed under the LID, so nobody's messages go missing. */
  function contactWhere(phone: string) {
    return { OR: [{ fromPhone: phone }, { fromPhone: null, fromLid: phone }] };
  }

  return {
    async contacts(): Promise<Omit<InboxContact, "optedOut">[]> {
      const [byPhone, byLid, unreadByPhone, unreadByLid] = await Promise.all([
        db.inboundMessage.groupBy({
          by: ["fromPhone"],
          where: { fromPhone: { not: null } },
          _count: { _all: true },
          _max: { receivedAt: true },
        }),
        db.inboundMessage.groupBy({
          by: ["fromLid"],
          where: { fromPhone: null, fromLid: { not: null } },
          _count: { _all: true },
          _max: { receivedAt: true },
        }),
        db.inboundMessage.groupBy({
          by: ["fromPhone"],
          where: { fromPhone: { not: null }, readAt: null },
          _count: { _all: true },
        }),
        db.inboundMessage.groupBy({
          by: ["fromLid"],
          where: { fromPhone: null, fromLid: { not: null }, readAt: null },
          _count: { _all: true },
        }),
      ]);
      const unread = new Map<string, number>();
      for (const row of unreadByPhone) if (row.fromPhone) unread.set(row.fromPhone, row._count._all);
      for (const row of unreadByLid) if (row.fromLid) unread.set(row.fromLid, row._count._all);
      const groups = [
        ...byPhone.flatMap((row) => (row.fromPhone ? [{ phone: row.fromPhone, isLid: false, row }] : [])),
        ...byLid.flatMap((row) => (row.fromLid ? [{ phone: row.fromLid, isLid: true, row }] : [])),
      ];
      const contacts = await Promise.all(
        groups.map(async ({ phone, isLid, row }) => {
          const last = await db.inboundMessage.findFirst({
            where: isLid ? { fromPhone: null, fromLid: phone } : { fromPhone: phone },
            orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
            select: inboundSelect,
          });
          if (!last) return [];
          return [
            {
              phone,
              isLid,
              lastMessage: toInboundRecord(last),
              messageCount: row._count._all,
              unread: unread.get(phone) ?? 0,
            },
          ];
        }),
      );
      return contacts.flat().sort((a, b) => b.lastMessage.receivedAt.localeCompare(a.lastMessage.receivedAt));
    },

    async thread(phone: string, limit: number): Promise<InboxThreadEntry[]> {
      const [inbound, outbound] = await Promise.all([
        db.inboundMessage.findMany({
          where: contactWhere(phone),
          orderBy: [{ receivedAt: "desc" }, { createdAt: "desc" }, { id: "desc" }],
          take: limit,
          select: inboundSelect,
        }),
        db.outboxMessage.findMany({
          where: { to: phone },
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
          take: limit,
          select: { id: true, text: true, caption: true, type: true, status: true, createdAt: true },
        }),
      ]);
      const entries: InboxThreadEntry[] = [
        // each query is newest first; reversed, the stable sort below keeps arrival order on equal times
        ...inbound.reverse().map((row) => {
          const message = toInboundRecord(row);
          return { direction: "in" as const, at: message.receivedAt, message };
        }),
        ...outbound.reverse().map((row) => ({
          direction: "out" as const,
          at: row.createdAt.toISOString(),
          message: {
            id: row.id,
            text: row.text ?? row.caption,
            type: row.type,
            status: toStatus(row.status),
          },
        })),
      ];
      // ISO strings of the same format sort as times; the newest `limit` of both, oldest first
      return entries.sort((a, b) => a.at.localeCompare(b.at)).slice(-limit);
    },

    async markRead(phone: string, at: Date): Promise<number> {
      const { count } = await db.inboundMessage.updateMany({
        where: { ...contactWhere(phone), readAt: null },
        data: { readAt: at },
      });
      return count;
    },
  };
}
