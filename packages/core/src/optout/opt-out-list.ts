/**
 * The opt-out (suppression) list: numbers that said stop. Single sends check it (409 unless forced);
 * broadcasts call isOptedOut to skip a row.
 *
 * Every send asks it, so the list is kept in memory (one Set of numbers, read whole on first use):
 * a send makes no database read for it (BENCHMARKS.md, figure 8b). Only this file writes the table
 * and each write updates the Set once committed, so a stop or a removal counts from the next send;
 * a change made to the database by another program is seen after at most MIRROR_MS. In a cluster every
 * write is announced on `changes` and every node drops its Set (re-read on the next send).
 */
import type { PrismaClient } from "@kabar/db";
import type { ChangeFeed, OptOutRecord, OptOutService } from "../contract.js";
import { InvalidInputError } from "../errors.js";
import { normalizePhoneNumber } from "../phone/normalize-phone-number.js";
import { type ContactInput, contactInput } from "../schemas.js";
import { parseInput } from "../session/parse-input.js";
import type { SettingsStore } from "../settings/settings-service.js";

export interface OptOutList extends OptOutService {
  /** For the inbound responder: the number as WhatsApp gave it (digits). Returns whether it was new. */
  addDigits(phone: string, source: OptOutRecord["source"]): Promise<boolean>;
  removeDigits(phone: string): Promise<boolean>;
  isOptedOutDigits(phone: string): Promise<boolean>;
}

const MIRROR_MS = 60_000;

export function createOptOutList(
  db: PrismaClient,
  settings: SettingsStore,
  changes?: ChangeFeed,
): OptOutList {
  let mirror: { phones: Set<string>; readAt: number } | null = null;
  // Counts writes: a whole-list read that a write overlapped may miss it and is not kept.
  let writes = 0;
  const wrote = (phone: string, listed: boolean) => {
    writes += 1;
    if (listed) mirror?.phones.add(phone);
    else mirror?.phones.delete(phone);
    changes?.announce("optouts");
  };
  changes?.on("optouts", () => {
    writes += 1;
    mirror = null;
  });
  async function listed(phone: string): Promise<boolean> {
    const now = Date.now();
    if (mirror && now - mirror.readAt < MIRROR_MS) return mirror.phones.has(phone);
    const before = writes;
    const rows = await db.optOut.findMany({ select: { phone: true } });
    const phones = new Set(rows.map((row) => row.phone));
    if (before === writes) {
      mirror = { phones, readAt: now };
      return phones.has(phone);
    }
    mirror = null;
    return (await db.optOut.count({ where: { phone } })) > 0;
  }
  const toRecord = (row: { phone: string; source: string; createdAt: Date }): OptOutRecord => ({
    phone: row.phone,
    source: row.source === "keyword" ? "keyword" : "admin",
    createdAt: row.createdAt.toISOString(),
  });
  const normalize = (phone: string) => {
    try {
      return normalizePhoneNumber(phone, settings.current().defaultCountry);
    } catch (error) {
      // the normaliser names a send's field; here the number comes in as `phone`
      if (error instanceof InvalidInputError && error.field === "to") {
        throw new InvalidInputError("phone", `phone: ${error.message}`);
      }
      throw error;
    }
  };

  const list: OptOutList = {
    async list() {
      const rows = await db.optOut.findMany({ orderBy: { createdAt: "desc" } });
      return rows.map(toRecord);
    },
    async add(input: ContactInput) {
      const phone = normalize(parseInput(contactInput, input).phone);
      // adding a number already listed keeps its first record (and why it was added)
      const row = await db.optOut.upsert({
        where: { phone },
        create: { phone, source: "admin" },
        update: {},
      });
      wrote(phone, true);
      return toRecord(row);
    },
    async remove(input: ContactInput) {
      const phone = normalize(parseInput(contactInput, input).phone);
      return { removed: await list.removeDigits(phone) };
    },
    async isOptedOut(phone: string) {
      return list.isOptedOutDigits(normalize(phone));
    },
    async addDigits(phone, source) {
      const existing = await db.optOut.findUnique({ where: { phone } });
      if (existing) return false;
      await db.optOut.upsert({ where: { phone }, create: { phone, source }, update: {} });
      wrote(phone, true);
      return true;
    },
    async removeDigits(phone) {
      const { count } = await db.optOut.deleteMany({ where: { phone } });
      wrote(phone, false);
      return count > 0;
    },
    isOptedOutDigits: listed,
  };
  return list;
}
