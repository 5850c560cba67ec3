import type { Prisma, PrismaClient } from "../../generated/client/index.js";
import { THE_SESSION_ORDER } from "../the-session-order.js";
import { describeSession, isHeartbeatFresh } from "./session-summary.js";

const statusSelect = {
  name: true,
  sessionId: true,
  phoneNumber: true,
  isActive: true,
  state: true,
  stateReason: true,
  linkedNumber: true,
  heartbeatAt: true,
} satisfies Prisma.WhatsAppSessionSelect;

type StatusRow = Prisma.WhatsAppSessionGetPayload<{ select: typeof statusSelect }>;

export interface StatusReport {
  isConnected: boolean;
  lines: string[];
}

export async function describeStatus(database: PrismaClient, now: Date = new Date()): Promise<StatusReport> {
  const sessions = await database.whatsAppSession.findMany({
    select: statusSelect,
    orderBy: [...THE_SESSION_ORDER],
  });
  const [session] = sessions;
  if (!session) {
    return {
      isConnected: false,
      lines: [
        "No WhatsApp session exists yet.",
        "Add one from the admin panel, or add a sample with pnpm whatsapp:sample.",
      ],
    };
  }
  const connection = describeConnection(session, now);
  const activeIds = sessions.filter((row) => row.isActive).map((row) => row.sessionId);
  const lines = [
    `Session: ${describeSession(session)}, number ${session.phoneNumber ?? "not set"}`,
    `Connection: ${connection.text}`,
    `Active session ids: ${activeIds.length > 0 ? activeIds.join(", ") : "none"}`,
  ];
  if (sessions.length > 1) {
    lines.push(
      `${sessions.length} sessions exist (left by an older version); run pnpm whatsapp:cleanup to keep one.`,
    );
  }
  return { isConnected: connection.isConnected, lines };
}

function describeConnection(session: StatusRow, now: Date): { isConnected: boolean; text: string } {
  if (!session.heartbeatAt) {
    return {
      isConnected: false,
      text: "unknown; the server is not running (it has never reported this session)",
    };
  }
  if (!isHeartbeatFresh(session.heartbeatAt, now)) {
    const age = now.getTime() - session.heartbeatAt.getTime();
    return {
      isConnected: false,
      text: `unknown; the server is not running (last heartbeat ${formatAge(age)} ago, last state "${session.state}")`,
    };
  }
  if (session.state === "connected") {
    return { isConnected: true, text: `connected as ${session.linkedNumber ?? "an unknown number"}` };
  }
  const reason = session.stateReason ? `: ${session.stateReason}` : "";
  return { isConnected: false, text: `not connected (state "${session.state}"${reason})` };
}

function formatAge(milliseconds: number): string {
  const seconds = Math.round(milliseconds / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}
