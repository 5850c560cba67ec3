/**
 * Only one process may drive the WhatsApp session: two sockets on one set of credentials replace each
 * other (440) forever. The lock is a file in wa_sessions/ so it guards the folder itself, whatever
 * database the processes use.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SessionLockedError } from "../errors.js";
import { LOCK_FILE } from "./session-folder.js";

interface LockContent {
  pid: number;
  hostname: string;
  started: string;
  token: string;
}

export interface SessionLock {
  readonly path: string;
  release(): void;
}

/** Tokens of the locks this process holds right now, to tell our own live lock from one left by a dead process that had our pid. */
const heldTokens = new Set<string>();

export function acquireSessionLock(sessionsDir: string): SessionLock {
  fs.mkdirSync(sessionsDir, { recursive: true, mode: 0o700 });
  const lockPath = path.join(path.resolve(sessionsDir), LOCK_FILE);
  const content: LockContent = {
    pid: process.pid,
    hostname: os.hostname(),
    started: new Date().toISOString(),
    token: randomUUID(),
  };
  // Two rounds: the second runs after removing a stale lock; losing that race to another process is a refusal.
  for (let round = 0; round < 2; round += 1) {
    try {
      fs.writeFileSync(lockPath, `${JSON.stringify(content, null, 2)}\n`, { flag: "wx", mode: 0o600 });
      heldTokens.add(content.token);
      return { path: lockPath, release: () => releaseLock(lockPath, content.token) };
    } catch (error) {
      if (!isErrorCode(error, "EEXIST")) throw error;
    }
    const holder = readLock(lockPath);
    if (holder && !isStale(holder)) throw new SessionLockedError(describeHolder(holder));
    fs.rmSync(lockPath, { force: true });
  }
  const holder = readLock(lockPath);
  throw new SessionLockedError(holder ? describeHolder(holder) : "unknown process");
}

function releaseLock(lockPath: string, token: string): void {
  heldTokens.delete(token);
  // Only remove the file if it is still ours: a takeover after a crash may have replaced it.
  if (readLock(lockPath)?.token === token) fs.rmSync(lockPath, { force: true });
}

function readLock(lockPath: string): LockContent | null {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(lockPath, "utf8"));
    if (typeof parsed !== "object" || parsed === null) return null;
    const { pid, hostname, started, token } = parsed as Record<string, unknown>;
    if (typeof pid !== "number" || typeof hostname !== "string") return null;
    return { pid, hostname, started: String(started ?? "?"), token: String(token ?? "") };
  } catch {
    // Unreadable or half-written: treat as stale, as no live holder leaves it that way for long.
    return null;
  }
}

/** Stale only when we can prove it: same host and the pid is gone (or it is our pid but not a lock we hold). */
function isStale(holder: LockContent): boolean {
  if (holder.hostname !== os.hostname()) return false;
  if (holder.pid === process.pid) return !heldTokens.has(holder.token);
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return isErrorCode(error, "ESRCH");
  }
}

function describeHolder(holder: LockContent): string {
  return `pid ${holder.pid} on ${holder.hostname}, since ${holder.started}`;
}

function isErrorCode(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === code;
}
