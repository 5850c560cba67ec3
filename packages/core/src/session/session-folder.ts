/**
 * Where the one session's credentials live: `<sessionsDir>/<sessionId>/`, with logouts moved to
 * `<sessionsDir>/.backup/<UTC timestamp>-<sessionId>/` rather than deleted.
 */
import fs from "node:fs";
import path from "node:path";
import { InvalidInputError } from "../errors.js";
import { sessionIdSchema } from "../schemas.js";

export const BACKUP_FOLDER = ".backup";
export const LOCK_FILE = ".lock";

/**
 * The credential folder of a session. The pattern alone keeps "..", "/", NUL and non-ASCII out; the
 * path check is a second fence in case the pattern is ever loosened.
 */
export function resolveSessionFolder(sessionsDir: string, sessionId: string): string {
  const parsed = sessionIdSchema.safeParse(sessionId);
  if (!parsed.success) {
    throw new InvalidInputError("sessionId", parsed.error.issues[0]?.message ?? "sessionId is invalid");
  }
  const root = path.resolve(sessionsDir);
  const folder = path.resolve(root, parsed.data);
  if (path.dirname(folder) !== root) {
    throw new InvalidInputError("sessionId", "sessionId must name a folder directly inside wa_sessions/");
  }
  return folder;
}

/** Baileys writes creds.json once the device exists; without it a start would only show a QR. */
export function hasSavedCredentials(sessionsDir: string, sessionId: string): boolean {
  return fs.existsSync(path.join(resolveSessionFolder(sessionsDir, sessionId), "creds.json"));
}

/**
 * Moves the credentials aside after a logout so a mistaken unlink can still be inspected or
 * restored by hand. Returns the backup folder, or null when there was nothing to move.
 */
export function backUpSessionFolder(sessionsDir: string, sessionId: string, now = new Date()): string | null {
  const folder = resolveSessionFolder(sessionsDir, sessionId);
  if (!fs.existsSync(folder)) return null;
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  const backupRoot = path.join(path.resolve(sessionsDir), BACKUP_FOLDER);
  fs.mkdirSync(backupRoot, { recursive: true, mode: 0o700 });
  let target = path.join(backupRoot, `${stamp}-${sessionId}`);
  for (let suffix = 1; fs.existsSync(target); suffix += 1) {
    target = path.join(backupRoot, `${stamp}-${sessionId}-${suffix}`);
  }
  // Same filesystem (both under sessionsDir), so the move is atomic: never half a folder.
  fs.renameSync(folder, target);
  return target;
}
