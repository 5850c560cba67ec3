import fs from "node:fs";
import path from "node:path";
import type { PrismaClient } from "../../generated/client/index.js";
import { THE_SESSION_ORDER } from "../the-session-order.js";
import { moveFolderToBackup } from "./backup-folder.js";
import {
  describeSession,
  isHeartbeatFresh,
  SESSION_ID_PATTERN,
  type SessionSummary,
  sessionSummarySelect,
} from "./session-summary.js";

/** Cleanup would pull a session from under a running server; the message is one line. */
export class CleanupRefusedError extends Error {
  override readonly name = "CleanupRefusedError";
}

function withoutHeartbeat({
  heartbeatAt: _heartbeatAt,
  ...session
}: SessionSummary & { heartbeatAt: Date | null }) {
  return session;
}

export interface CleanupResult {
  kept: SessionSummary | undefined;
  removed: SessionSummary[];
  /** Credential folders that could not be moved; the rows are gone, the folders stay where they were. */
  hasFolderProblems: boolean;
  lines: string[];
}

/**
 * Keeps the session the product uses (THE_SESSION_ORDER: the default, then the oldest), deletes the others and makes the kept one default and
 * active, in one transaction. Then moves each deleted session's credential folders to
 * <sessionsDir>/.backup/<UTC timestamp>-<sessionId>[_credentials]/: credentials are never deleted.
 * Safe while the server runs: the kept row only gets the two flags, and if a running server holds one of
 * the sessions to delete (fresh heartbeat), nothing changes and CleanupRefusedError says to stop it first.
 */
export async function cleanupSessions(
  database: PrismaClient,
  sessionsDir: string,
  now: Date = new Date(),
): Promise<CleanupResult> {
  const { kept, removed } = await database.$transaction(async (transaction) => {
    const sessions = await transaction.whatsAppSession.findMany({
      select: { ...sessionSummarySelect, heartbeatAt: true },
      orderBy: [...THE_SESSION_ORDER],
    });
    const [theOne, ...rest] = sessions;
    if (!theOne) return { kept: undefined, removed: [] };
    const held = rest.find((session) => isHeartbeatFresh(session.heartbeatAt, now));
    if (held) {
      throw new CleanupRefusedError(
        `the running server holds ${describeSession(held)}, which is not the session the product uses — stop the server, then run pnpm whatsapp:cleanup again`,
      );
    }
    if (rest.length > 0) {
      await transaction.whatsAppSession.deleteMany({
        where: { id: { in: rest.map((session) => session.id) } },
      });
    }
    if (!theOne.isActive || !theOne.isDefault) {
      await transaction.whatsAppSession.update({
        where: { id: theOne.id },
        data: { isActive: true, isDefault: true },
        select: { id: true },
      });
    }
    return {
      kept: { ...withoutHeartbeat(theOne), isActive: true, isDefault: true },
      removed: rest.map(withoutHeartbeat),
    };
  });

  if (!kept) {
    return {
      kept,
      removed,
      hasFolderProblems: false,
      lines: ["No WhatsApp session exists; nothing to clean up."],
    };
  }
  if (removed.length === 0) {
    return {
      kept,
      removed,
      hasFolderProblems: false,
      lines: [`Nothing to clean up; kept ${describeSession(kept)}.`],
    };
  }

  const lines = [`Removed ${removed.length} extra WhatsApp session${removed.length === 1 ? "" : "s"}:`];
  let hasFolderProblems = false;
  for (const session of removed) {
    const outcome = backUpCredentials(sessionsDir, session.sessionId, now);
    hasFolderProblems ||= outcome.isProblem;
    lines.push(`  - ${describeSession(session)}: ${outcome.text}`);
  }
  lines.push(`Kept ${describeSession(kept)}, the session the product uses, now the default and active one.`);
  return { kept, removed, hasFolderProblems, lines };
}

interface FolderOutcome {
  text: string;
  isProblem: boolean;
}

function backUpCredentials(sessionsDir: string, sessionId: string, now: Date): FolderOutcome {
  if (!SESSION_ID_PATTERN.test(sessionId)) {
    // a sessionId like "../x" must never name a path; leave any folder alone
    return {
      text: `credential folders left alone: "${sessionId}" is not a valid session id`,
      isProblem: false,
    };
  }
  const moved: string[] = [];
  const failed: string[] = [];
  // wa-multi-session's own layout was <id>_credentials; older installs may still have it
  for (const folder of [sessionId, `${sessionId}_credentials`]) {
    const source = path.join(sessionsDir, folder);
    if (!fs.existsSync(source)) continue;
    try {
      moved.push(moveFolderToBackup(sessionsDir, folder, now));
    } catch (error) {
      failed.push(`${folder} (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  const parts = [];
  if (moved.length > 0) parts.push(`credentials moved to ${moved.join(", ")}`);
  if (failed.length > 0) parts.push(`could not move ${failed.join(", ")}; move it by hand`);
  if (parts.length === 0) parts.push("no credential folder");
  return { text: parts.join("; "), isProblem: failed.length > 0 };
}
