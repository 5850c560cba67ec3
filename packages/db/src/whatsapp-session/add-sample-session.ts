import type { PrismaClient } from "../../generated/client/index.js";
import { THE_SESSION_ORDER } from "../the-session-order.js";
import { isOneSessionViolation } from "../one-session.js";
import { describeSession, sessionSummarySelect } from "./session-summary.js";

export const SAMPLE_SESSION = {
  name: "Default Session",
  sessionId: "default_session",
  phoneNumber: "6281234567890",
  description: "Sample session added by pnpm whatsapp:sample; link it from the admin panel",
  isActive: true,
  isDefault: true,
};

export interface SampleResult {
  isAdded: boolean;
  lines: string[];
}

/** Adds the sample session unless a session exists; then it names that one and changes nothing. */
export async function addSampleSession(database: PrismaClient): Promise<SampleResult> {
  const existing = await findExisting(database);
  if (existing) return existing;
  try {
    const created = await database.whatsAppSession.create({
      data: SAMPLE_SESSION,
      select: sessionSummarySelect,
    });
    return {
      isAdded: true,
      lines: [
        `Added the sample WhatsApp session ${describeSession(created)}, number ${created.phoneNumber}.`,
        "Link it to a phone from the admin panel (scan the QR code).",
      ],
    };
  } catch (error) {
    // another process created a session between our check and insert; the trigger refused ours
    if (!isOneSessionViolation(error)) throw error;
    const raced = await findExisting(database);
    if (raced) return raced;
    throw error;
  }
}

async function findExisting(database: PrismaClient): Promise<SampleResult | undefined> {
  const existing = await database.whatsAppSession.findFirst({
    select: sessionSummarySelect,
    orderBy: [...THE_SESSION_ORDER],
  });
  if (!existing) return undefined;
  return {
    isAdded: false,
    lines: [
      `A WhatsApp session already exists: ${describeSession(existing)}. Nothing changed.`,
      "Kabar runs one session; change it from the admin panel, or check it with pnpm whatsapp:status.",
    ],
  };
}
