import type { Prisma } from "../../generated/client/index.js";

/** Folder-safe session ids; anything else must never become a path under wa_sessions/. */
export const SESSION_ID_PATTERN = /^[a-z0-9_]{3,64}$/;

export const sessionSummarySelect = {
  id: true,
  name: true,
  sessionId: true,
  phoneNumber: true,
  isActive: true,
  isDefault: true,
} satisfies Prisma.WhatsAppSessionSelect;

export type SessionSummary = Prisma.WhatsAppSessionGetPayload<{ select: typeof sessionSummarySelect }>;

export function describeSession(session: Pick<SessionSummary, "name" | "sessionId">): string {
  return `"${session.name}" (sessionId ${session.sessionId})`;
}

/** The server refreshes heartbeatAt at least every 15 s while it holds the session; three missed
 * beats mean it is not running, and the state it last wrote can no longer be trusted. */
export const HEARTBEAT_STALE_AFTER_MS = 45_000;

export function isHeartbeatFresh(heartbeatAt: Date | null, now: Date): boolean {
  return heartbeatAt !== null && now.getTime() - heartbeatAt.getTime() <= HEARTBEAT_STALE_AFTER_MS;
}
