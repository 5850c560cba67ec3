/**
 * Keyword auto-replies: a message that is exactly a keyword (trimmed, any case) gets its reply, at
 * most once per contact per keyword per window (default one hour), so a contact repeating "INFO"
 * cannot make the account send a burst.
 */
import type { PrismaClient } from "@kabar/db";
import type { AutoReplyRecord, AutoReplyService } from "../contract.js";
import {
  type AutoReplyInput,
  type AutoReplyKeywordInput,
  autoReplyInput,
  autoReplyKeywordInput,
} from "../schemas.js";
import { parseInput } from "../session/parse-input.js";

export const AUTO_REPLY_WINDOW_MS = 60 * 60_000;

export interface AutoReplies extends AutoReplyService {
  /** The reply for a whole message, or null. */
  match(text: string): Promise<{ keyword: string; reply: string } | null>;
  /**
   * Records a reply to `phone` for `keyword` at `now` unless one was recorded within the window;
   * true when this caller may send. One conditional write each way, so two deliveries cannot both win.
   */
  claim(phone: string, keyword: string, now: Date): Promise<boolean>;
}

/** Whole-message matching: surrounding spaces and case do not matter, inner words do. */
export function toKeyword(text: string): string {
  return text.trim().replace(/\s+/g, " ").toUpperCase();
}

export function createAutoReplies(db: PrismaClient, windowMs = AUTO_REPLY_WINDOW_MS): AutoReplies {
  const toRecord = (row: { keyword: string; reply: string; updatedAt: Date }): AutoReplyRecord => ({
    keyword: row.keyword,
    reply: row.reply,
    updatedAt: row.updatedAt.toISOString(),
  });
  return {
    async list() {
      const rows = await db.autoReply.findMany({ orderBy: { keyword: "asc" } });
      return rows.map(toRecord);
    },
    async set(input: AutoReplyInput) {
      const parsed = parseInput(autoReplyInput, input);
      const keyword = toKeyword(parsed.keyword);
      const row = await db.autoReply.upsert({
        where: { keyword },
        create: { keyword, reply: parsed.reply },
        update: { reply: parsed.reply },
      });
      return toRecord(row);
    },
    async remove(input: AutoReplyKeywordInput) {
      const keyword = toKeyword(parseInput(autoReplyKeywordInput, input).keyword);
      const { count } = await db.autoReply.deleteMany({ where: { keyword } });
      return { removed: count > 0 };
    },
    async match(text) {
      const row = await db.autoReply.findUnique({ where: { keyword: toKeyword(text) } });
      return row ? { keyword: row.keyword, reply: row.reply } : null;
    },
    async claim(phone, keyword, now) {
      const { count } = await db.autoReplySent.updateMany({
        where: { phone, keyword, sentAt: { lte: new Date(now.getTime() - windowMs) } },
        data: { sentAt: now },
      });
      if (count > 0) return true;
      const existing = await db.autoReplySent.findUnique({ where: { phone_keyword: { phone, keyword } } });
      if (existing) return false;
      await db.autoReplySent.create({ data: { phone, keyword, sentAt: now } });
      return true;
    },
  };
}
