/**
 * The opt-out (suppression) list: numbers that said stop. Single sends check it (409 unless forced);
 * broadcasts call isOptedOut to skip a row.
 */
import type { PrismaClient } from "@kabar/db";
import type { OptOutRecord, OptOutService } from "../contract.js";
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

export function createOptOutList(db: PrismaClient, settings: SettingsStore): OptOutList {
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
      return true;
    },
    async removeDigits(phone) {
      const { count } = await db.optOut.deleteMany({ where: { phone } });
      return count > 0;
    },
    async isOptedOutDigits(phone) {
      return (await db.optOut.count({ where: { phone } })) > 0;
    },
  };
  return list;
}
