/**
 * Only one process may drive the WhatsApp session: two sockets on one set of credentials replace each
 * other (440) forever. The lock is a file in wa_sessions/ so it guards the folder itself, whatever
 * database the processes use.
 *
 * The holder refreshes the file's modification time every few seconds (its heartbeat). After an
 * unclean stop a recreated container has another host name and cannot check the old pid, so a lock
 * whose heartbeat is older than the limit is taken over whatever the host, and the log says so.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Logger } from "pino";
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

export interface SessionLockOptions {
  logger?: Pick<Logger, "warn">;
  /** How often the holder refreshes its heartbeat; default 10 s. */
  heartbeatMs?: number;
  /** A heartbeat older than this is a dead holder, whatever its host; default 60 s (six missed beats). */
  staleAfterMs?: number;
  now?: () => number;
}

export const LOCK_HEARTBEAT_MS = 10_000;
export const LOCK_STALE_AFTER_MS = 60_000;

/** Tokens of the locks this process holds right now, to tell our own live lock from one left by a dead process that had our pid. */
const heldTokens = new Set<string>();

export function acquireSessionLock(sessionsDir: string, options: SessionLockOptions = {}): SessionLock {
  const now = options.now ?? Date.now;
  const staleAfterMs = options.staleAfterMs ?? LOCK_STALE_AFTER_MS;
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
      const heartbeat = setInterval(
        () => beat(lockPath, content.token),
        options.heartbeatMs ?? LOCK_HEARTBEAT_MS,
      );
      // The heartbeat must never keep a script alive once everything else is done.
      heartbeat.unref();
      return {
        path: lockPath,
        release: () => {
          clearInterval(heartbeat);
          releaseLock(lockPath, content.token);
        },
      };
    } catch (error) {
      if (!isErrorCode(error, "EEXIST")) throw error;
    }
    const holder = readLock(lockPath);
    const heartbeatAgeMs = holder ? now() - heartbeatOf(lockPath) : 0;
    if (holder && heartbeatAgeMs > staleAfterMs) {
      options.logger?.warn(
        { holder: describeHolder(holder), heartbeatAgeMs, staleAfterMs },
        `taking over the session lock of ${describeHolder(holder)}: its heartbeat is ${Math.round(heartbeatAgeMs / 1000)} s old (limit ${Math.round(staleAfterMs / 1000)} s), so that process is gone`,
      );
    } else if (holder && !isStale(holder)) {
      throw new SessionLockedError(describeHolder(holder));
    }
    fs.rmSync(lockPath, { force: true });
  }
  const holder = readLock(lockPath);
  throw new SessionLockedError(holder ? describeHolder(holder) : "unknown process");
}

/** Refreshes the heartbeat (the file's mtime) only while the lock is still ours. */
function beat(lockPath: string, token: string): void {
  try {
    if (readLock(lockPath)?.token !== token) return;
    const at = new Date();
    fs.utimesSync(lockPath, at, at);
  } catch {
    // A folder that refuses writes shows as a storage problem elsewhere; the next beat tries again.
  }
}

function heartbeatOf(lockPath: string): number {
  try {
    return fs.statSync(lockPath).mtimeMs;
  } catch {
    return 0;
  }
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
